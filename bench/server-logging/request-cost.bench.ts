// What ServerLoggingModule's request events add to a request: two vendor-services in this process,
// request events on and off, alternating rounds of sequential `GET /vendors/:id` of missing vendors
// (404, so every request publishes `http.request_failed`). Reports p50/p99 per side and the
// difference (issue 22's goal: under 1 ms p99). Run: node scripts/build.js && node dist/bench/server-logging/request-cost.bench.js
// Knobs: BENCH_ROUNDS (10), BENCH_REQUESTS (200 per side per round), BENCH_DEADLINE_S (300).
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Agent, request } from 'undici';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { AppModule } from '../../apps/vendor-service/src/app.module.js';
import { configureApp } from '../../apps/vendor-service/src/configure-app.js';
import { armDeadline } from '../support/deadline.js';
import { envInt } from '../support/env.js';
import { printResultRows } from '../support/result-line.js';

const ROUNDS = envInt('BENCH_ROUNDS', 10, 1);
const REQUESTS = envInt('BENCH_REQUESTS', 200, 10);

interface Side {
  name: 'off' | 'on';
  app: INestApplication;
  url: string;
  ms: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function start(name: Side['name'], natsUrl: string, db: TestDatabase): Promise<Side> {
  // Read when the module is built.
  process.env.ENABLE_SERVER_LOGGING = name === 'on' ? 'true' : 'false';
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot({ natsServers: [natsUrl], databaseUrl: db.url })] }).compile();
  const app = configureApp(ref.createNestApplication({ logger: ['error'] }));
  await app.listen(0, '127.0.0.1');
  return { name, app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), ms: [] };
}

const cleanups: Array<() => Promise<unknown>> = [];
const cleanup = async () => {
  for (const c of cleanups.reverse()) await c().catch((err: Error) => process.stderr.write(`[bench] cleanup: ${err.message}\n`));
};
armDeadline('server-logging request cost', envInt('BENCH_DEADLINE_S', 300, 10) * 1000, cleanup);

const loadBefore = loadavg()[0];
const nats = await NatsServerHarness.start();
cleanups.push(() => nats.close());
const sides: Side[] = [];
for (const name of ['off', 'on'] as const) {
  const db = await TestDatabase.create(`bench_reqlog_${name}`);
  cleanups.push(() => db.drop());
  const side = await start(name, nats.url, db);
  cleanups.push(() => side.app.close());
  sides.push(side);
}
const agent = new Agent({ connections: 1, pipelining: 1 });
cleanups.push(() => agent.close());

for (let round = 0; round < ROUNDS + 1; round++) {
  // Alternate which side goes first; round 0 warms both up and is not counted.
  for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      const res = await request(`${side.url}/vendors/${randomUUID()}`, { dispatcher: agent });
      await res.body.dump();
      const ms = performance.now() - t0;
      if (res.statusCode !== 404) throw new Error(`expected 404 from ${side.name}, got ${res.statusCode}`);
      if (round > 0) side.ms.push(ms);
    }
  }
}

const stats = sides.map((s) => {
  const sorted = [...s.ms].sort((a, b) => a - b);
  return { name: s.name, n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
});
const [off, on] = stats;
for (const s of stats) console.log(`request events ${s.name}: ${s.n} requests, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`);
console.log(`added by request events: p50 ${(on.p50 - off.p50).toFixed(2)} ms, p99 ${(on.p99 - off.p99).toFixed(2)} ms (goal < 1 ms p99); load ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
printResultRows('server-logging', [
  { scenario: 'request p50 with request events (404)', unit: 'ms', raw: off.p50, ours: on.p50, ratio: off.p50 / on.p50 },
  { scenario: 'request p99 with request events (404)', unit: 'ms', raw: off.p99, ours: on.p99, ratio: off.p99 / on.p99 },
]);
await cleanup();
process.exit(0);
