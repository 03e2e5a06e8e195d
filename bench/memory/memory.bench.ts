/**
 * Resident memory of the consumer apps: idle, at the peak of a burst, and during the minute after
 * it, each app as a real process (`node dist/apps/<app>/main.js`).
 *
 *   npm run bench:memory
 *
 * Per app: a private nats-server and a fresh database (on DATABASE_URL's server); the app starts
 * and settles (idle RSS), N events are published 1,000 in flight and the app consumes them (peak
 * RSS, sampled every 250 ms), then RSS is sampled every 5 s for BENCH_SETTLE_S; the goal is to be
 * back under 1.5 × idle within that minute. RSS is read from /proc/<pid>/status (Linux).
 * It never uses NATS_URL: each app runs the durable named after itself, which must not touch a live mesh.
 *
 * Environment:
 *   BENCH_APPS        comma list (default event-store,search-sync,webhook-dispatcher,sms-notifier)
 *   BENCH_N           events per burst (default 100000)
 *   BENCH_SETTLE_S    seconds watched after the burst (default 60)
 *   BENCH_DEADLINE_S  overall deadline (default 900)
 *   BENCH_APP_LOG     1: print the tail of each app's output after its run
 */
import { readFileSync } from 'node:fs';
import { connect, headers } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { CLOUDEVENTS_CONTENT_TYPE, createEnvelope, HEADER, STREAM_EVENTS, subjectForType } from '@app/events/internal';
import { AppProcess, NatsServerHarness, sleep, TestDatabase } from '@app/testing';
import { envInt, envList } from '../support/env.js';
import { armDeadline } from '../support/deadline.js';
import { fmtInt, table } from '../support/format.js';
import { runWindow } from '../support/window.js';

const APPS = envList('BENCH_APPS', ['event-store', 'search-sync', 'webhook-dispatcher', 'sms-notifier'] as const);
const N = Math.max(1, envInt('BENCH_N', 100_000));
const SETTLE_S = envInt('BENCH_SETTLE_S', 60, 5);
const DEADLINE_MS = envInt('BENCH_DEADLINE_S', 900, 1) * 1000;
const GOAL = 1.5;
const TYPE = 'vendor.updated';
const progress = (msg: string) => process.stderr.write(`[bench:memory] ${msg}\n`);

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
};

/** The app's V8 heap (used, total) and external memory in MB, from its own /metrics (prom-client defaults). */
async function heapMb(url: string): Promise<{ heapUsed: number; heapTotal: number; external: number }> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const read = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024 / 1024;
  return { heapUsed: read('nodejs_heap_size_used_bytes'), heapTotal: read('nodejs_heap_size_total_bytes'), external: read('nodejs_external_memory_bytes') };
}

interface Measured {
  app: string;
  idle: number;
  peak: number;
  /** V8 heap after the settle time: tells retained objects (used) from memory V8 keeps (total). */
  heapAfter: { heapUsed: number; heapTotal: number; external: number };
  after: { s: number; mb: number }[];
  /** Seconds after the burst until RSS was under GOAL × idle, or undefined. */
  backAt?: number;
}

async function measure(app: string): Promise<Measured> {
  const server = await NatsServerHarness.start();
  const db = await TestDatabase.create(`bench_mem_${app.replace(/-/g, '_')}`);
  let proc: AppProcess | undefined;
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  try {
    proc = await AppProcess.start(app, { env: { NATS_URL: server.url, DATABASE_URL: db.url }, readyTimeoutMs: 60_000 });
    const jsm = await jetstreamManager(nc);
    await sleep(5_000);
    const idle = rssMb(proc.pid);
    progress(`${app}: idle ${idle.toFixed(0)} MB`);
    const js = jetstream(nc);
    const h = headers();
    h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(proc!.pid))), 250);
    try {
      await runWindow(N, 1000, async (i) => {
        const id = `v-${i % 5_000}`;
        // vendor-service's shape: the vendor as `data`, changed field names in `changedfields`. search-sync
        // indexes `data` and dead-letters an event without `data.id`, which would measure the DLQ path instead.
        const vendor = { id, name: `Vendor ${i}`, email: `v${i}@example.com`, country: 'GB', notes: 'x'.repeat(200) };
        const e = createEnvelope(TYPE, vendor, 'bench', { subject: id, resourceType: 'vendor', extensions: { changedfields: 'name' } });
        await js.publish(subjectForType(TYPE), JSON.stringify(e), { msgID: e.id, headers: h });
      });
      const deadline = Date.now() + 600_000;
      for (;;) {
        const info = await jsm.consumers.info(STREAM_EVENTS, app);
        if (info.num_pending === 0 && info.num_ack_pending === 0) break;
        if (Date.now() > deadline) throw new Error(`${app}: ${info.num_pending} pending after 600 s`);
        await sleep(500);
      }
    } finally {
      clearInterval(sampler);
    }
    progress(`${app}: burst of ${fmtInt(N)} consumed, peak ${peak.toFixed(0)} MB`);
    const after: { s: number; mb: number }[] = [];
    let backAt: number | undefined;
    for (let s = 5; s <= SETTLE_S; s += 5) {
      await sleep(5_000);
      const mb = rssMb(proc.pid);
      after.push({ s, mb });
      if (backAt === undefined && mb < GOAL * idle) backAt = s;
    }
    const heapAfter = await heapMb(proc.url);
    progress(`${app}: after ${SETTLE_S} s ${after[after.length - 1].mb.toFixed(0)} MB (heap used ${heapAfter.heapUsed.toFixed(0)} MB of ${heapAfter.heapTotal.toFixed(0)}, external ${heapAfter.external.toFixed(0)})`);
    if (process.env.BENCH_APP_LOG === '1') progress(`${app} output (tail):\n${proc.log.slice(-3_000)}`);
    return { app, idle, peak, heapAfter, after, backAt };
  } finally {
    await proc?.stop();
    await nc.close();
    await server.close();
    await db.drop();
  }
}

async function main(): Promise<number> {
  armDeadline('memory', DEADLINE_MS, async () => undefined);
  const results: Measured[] = [];
  for (const app of APPS) {
    try {
      results.push(await measure(app));
    } catch (err) {
      console.error(`${app}: ${(err as Error).message}`);
      return 1;
    }
  }
  console.log('');
  console.log(`RSS of each app as a process: idle, peak while consuming a ${fmtInt(N)}-event burst, and after it (goal: under ${GOAL} × idle within ${SETTLE_S} s)`);
  console.log(
    table(
      ['app', '>idle MB', '>peak MB', '>+30 s MB', `>+${SETTLE_S} s MB`, '>÷ idle', 'back under goal', '>heap used/total MB'],
      results.map((r) => {
        const last = r.after[r.after.length - 1].mb;
        const at30 = r.after.find((a) => a.s === 30)?.mb ?? Number.NaN;
        return [r.app, r.idle.toFixed(0), r.peak.toFixed(0), at30.toFixed(0), last.toFixed(0), (last / r.idle).toFixed(2), r.backAt !== undefined ? `yes, at ${r.backAt} s` : 'NO', `${r.heapAfter.heapUsed.toFixed(0)}/${r.heapAfter.heapTotal.toFixed(0)}`];
      }),
    ),
  );
  console.log(JSON.stringify({ bench: 'memory', n: N, settleSeconds: SETTLE_S, results }));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
