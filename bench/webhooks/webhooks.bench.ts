/**
 * Webhook delivery throughput to a fast local receiver, against a raw nats.js → undici pipeline
 * measured in the same run, and what an endpoint that times out on every call costs a fast one.
 *
 *   npm run bench:webhooks
 *
 * Each run gets a private nats-server (NatsServerHarness) and a fresh database (TestDatabase).
 * The receiver is a node:http server in this process answering 200 at once (the slow one never
 * answers within the subscription's timeout). Events (~430-byte envelopes) are published live,
 * 1,000 in flight, once the consumer is idle; a run lasts from the first publish to the last 2xx.
 *   raw = a nats.js durable pull consumer on EVENTS; per message one undici POST of the body per
 *         subscription (at most ENDPOINT_CONCURRENCY per endpoint, CONCURRENCY in all), `m.ack()`
 *         after the POSTs answered. No database, no signing, no retries: the ceiling.
 *   app = the webhook-dispatcher in this process (AppModule + connectEventConsumer, as main.ts):
 *         fan-out rows committed before the ack, workers claiming them, Standard Webhooks
 *         signatures, every attempt logged; WEBHOOK_DISABLE_AFTER out of reach and retries after 1 s.
 * Scenarios:
 *   one     1 subscription, N events;
 *   twenty  20 subscriptions on the receiver, N/10 events (2×N deliveries);
 *   pair    the fast subscription plus a second fast one, N events: the fast receiver's rate
 *           when a second subscription costs its rows and requests but answers at once;
 *   slow    the fast subscription plus one whose endpoint times out (timeoutMs 1000) on every
 *           call: the fast receiver's rate. Against `pair` it gives what the endpoint's slowness
 *           costs (goal: under 10 %); against `one`, what a second subscription costs at all.
 *           `pair` and `slow` count the fast receiver's (`/fast-0`) deliveries only; app side
 *           only for `slow`: the raw side has no retries or isolation to measure.
 * A warm-up run of each side (not counted) comes first.
 * Besides the rates, each run measures CPU time per fast delivery, which the machine's load moves
 * far less than it moves rates: this process's (receiver and publisher included, on both sides) and
 * that of the PostgreSQL backends serving the run's database (read from /proc; a local server only).
 * Prints a table, then one JSON line. Progress goes to stderr.
 *
 * Environment:
 *   BENCH_N          events of `one` and `slow` (default 5000)
 *   BENCH_REPEATS    repeats per side and scenario, sides alternating (default 3)
 *   BENCH_SCENARIOS  comma list: one,twenty,pair,slow (default all)
 *   BENCH_SIDES      comma list: raw,app (default both)
 *   BENCH_DEADLINE_S overall deadline in seconds (default 1200): a run still waiting then is a
 *                    stall; the bench prints what it has, names the run and exits non-zero
 *   BENCH_PACE       events per second to publish at, in 10 ms ticks (default 0: as fast as 1,000
 *                    in flight allow). Below both sides' capacity the rates only echo the pace, and
 *                    the CPU per delivery is the figure: the steady state, where a lane keeps up
 */
import { INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Agent, request } from 'undici';
import { CLOUDEVENTS_CONTENT_TYPE, connectEventConsumer, createEnvelope, HEADER, STREAM_EVENTS, subjectForType } from '@app/events/internal';
import { NatsServerHarness, sleep, TestDatabase } from '@app/testing';
import { AppModule } from '../../apps/webhook-dispatcher/src/app.module.js';
import { webhookConfigFromEnv } from '../../apps/webhook-dispatcher/src/config/webhook-env.js';
import { fmtInt, fmtRatio, table } from '../support/format.js';
import { median, summarize, Summary } from '../support/stats.js';
import { runWindow } from '../support/window.js';
import { envInt, envList } from '../support/env.js';
import { pgBackendCpu, pgCpuBetween } from '../support/pg-backend-cpu.js';


type Side = 'raw' | 'app';
type Scenario = 'one' | 'twenty' | 'pair' | 'slow';
const N = envInt('BENCH_N', 5_000, 1);
const REPEATS = envInt('BENCH_REPEATS', 3, 1);
const SCENARIOS = envList<Scenario>('BENCH_SCENARIOS', ['one', 'twenty', 'pair', 'slow']);
const SIDES = envList<Side>('BENCH_SIDES', ['raw', 'app']);
const defaults = webhookConfigFromEnv({});
const ENDPOINT_CONCURRENCY = defaults.endpointConcurrency;
const CONCURRENCY = defaults.concurrency;
const SLOW_TIMEOUT_MS = 1_000;
const TYPE = 'bench.webhook';
const SLOW_GOAL = 0.1;
const RAW_GOAL = 0.7;
const PACE = envInt('BENCH_PACE', 0, 0);
/** The app's WEBHOOK_CRASH_WINDOW (sent-but-not-durable deliveries per endpoint); 0 keeps its default (2 × endpoint concurrency). */
const CRASH_WINDOW = envInt('BENCH_CRASH_WINDOW', 0, 0);
const DEADLINE_AT = Date.now() + envInt('BENCH_DEADLINE_S', 1_200, 1) * 1_000;
const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

interface Plan {
  events: number;
  fastPaths: string[];
  slow: boolean;
  /** Count only `/fast-0`'s deliveries (the fast receiver whose rate is compared). */
  firstOnly?: boolean;
}
const plan = (s: Scenario): Plan => {
  switch (s) {
    case 'one':
      return { events: N, fastPaths: ['/fast-0'], slow: false };
    case 'twenty':
      return { events: Math.max(1, Math.round(N / 10)), fastPaths: Array.from({ length: 20 }, (_, i) => `/fast-${i}`), slow: false };
    case 'pair':
      return { events: N, fastPaths: ['/fast-0', '/fast-1'], slow: false, firstOnly: true };
    case 'slow':
      return { events: N, fastPaths: ['/fast-0'], slow: true };
  }
};

/** The fast endpoint answers 200 at once and counts; `/slow` answers only long after any timeout. */
class Receivers {
  fast = 0;
  /** When each counted fast delivery arrived (performance.now()), for the run's shape. */
  arrivals: number[] = [];
  slowSeen = 0;
  private target = 0;
  private done?: () => void;
  private constructor(readonly server: Server) {}

  static async start(): Promise<Receivers> {
    const server = createServer();
    const r = new Receivers(server);
    server.keepAliveTimeout = 60_000;
    server.on('request', (req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/slow') {
          r.slowSeen++;
          setTimeout(() => res.writeHead(200).end(), SLOW_TIMEOUT_MS * 5).unref();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        if (!r.counted(req.url)) return;
        r.arrivals.push(performance.now());
        if (++r.fast === r.target) r.done?.();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private only?: string;

  counted(url: string | undefined): boolean {
    return this.only === undefined || url === this.only;
  }

  /** Resolves when `n` fast deliveries (to `only`, when given) arrived since the reset. */
  expect(n: number, only?: string): Promise<void> {
    this.only = only;
    this.fast = 0;
    this.arrivals = [];
    this.slowSeen = 0;
    this.target = n;
    return new Promise((resolve) => (this.done = resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A small counting semaphore (per endpoint and overall on the raw side). */
class Gate {
  private waiting: (() => void)[] = [];
  private used = 0;
  constructor(private readonly size: number) {}
  async acquire(): Promise<void> {
    if (this.used < this.size) return void this.used++;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

interface Pipeline {
  stop(): Promise<void>;
}

async function startRaw(nc: NatsConnection, urls: string[], slowUrl?: string): Promise<Pipeline> {
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(STREAM_EVENTS, { durable_name: 'bench-raw', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ack_wait: 60_000_000_000, max_ack_pending: 2_000 });
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const overall = new Gate(CONCURRENCY);
  const targets = [...urls, ...(slowUrl ? [slowUrl] : [])].map((url) => ({ url, gate: new Gate(ENDPOINT_CONCURRENCY), timeout: url === slowUrl ? SLOW_TIMEOUT_MS : 10_000 }));
  const messages = await (await jetstream(nc).consumers.get(STREAM_EVENTS, 'bench-raw')).consume({ max_messages: 1_000 });
  const post = async (t: (typeof targets)[number], body: Uint8Array) => {
    await t.gate.acquire();
    await overall.acquire();
    try {
      const res = await request(t.url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent, signal: AbortSignal.timeout(t.timeout) });
      await res.body.dump();
    } catch {
      // A timeout is an answer too: the raw side does not retry.
    } finally {
      overall.release();
      t.gate.release();
    }
  };
  const loop = (async () => {
    for await (const m of messages) void Promise.all(targets.map((t) => post(t, m.data))).then(() => m.ack());
  })();
  return {
    async stop() {
      messages.stop();
      await loop;
      await agent.close();
    },
  };
}

async function startApp(nats: NatsServerHarness, db: TestDatabase, urls: string[], slowUrl?: string): Promise<Pipeline> {
  const ref = await Test.createTestingModule({
    // Never disabled and retried soon: the slow endpoint keeps costing what it costs for the whole
    // run, and a fast one whose requests time out on this loaded process comes back within the run
    // instead of waiting (disabled) for an operator, which made earlier runs never end.
    imports: [
      AppModule.forRoot({
        events: { natsServers: [nats.url], databaseUrl: db.url },
        webhooks: { allowPrivate: true, allowHttp: true, disableAfter: 1_000_000, retryScheduleMs: [1_000], ...(CRASH_WINDOW ? { crashWindow: CRASH_WINDOW } : {}) },
      }),
    ],
  }).compile();
  const app: INestApplication = ref.createNestApplication({ logger: ['error'] });
  await connectEventConsumer(app);
  await app.init();
  const { SubscriptionsService } = await import('../../apps/webhook-dispatcher/src/subscriptions/subscriptions.service.js');
  const subscriptions = app.get(SubscriptionsService);
  for (const url of urls) await subscriptions.create({ name: url, url, eventTypes: [TYPE] });
  if (slowUrl) await subscriptions.create({ name: 'slow', url: slowUrl, eventTypes: [TYPE], timeoutMs: SLOW_TIMEOUT_MS });
  return { stop: () => app.close() };
}

/** Publishes `n` events at `perSecond`, a tick's share every 10 ms (catching up when a tick ran late). */
async function paced(n: number, perSecond: number, publish: (i: number) => Promise<unknown>): Promise<void> {
  const started = performance.now();
  const sent: Promise<unknown>[] = [];
  let failed: unknown;
  for (let i = 0; i < n && failed === undefined; ) {
    const due = Math.min(n, Math.floor(((performance.now() - started) * perSecond) / 1_000) + 1);
    // Handled at once (the loop stops at the first failure), so no rejection is left unhandled meanwhile.
    while (i < due) sent.push(publish(i++).catch((err: unknown) => (failed ??= err)));
    await sleep(10);
  }
  await Promise.all(sent);
  if (failed !== undefined) throw failed;
}

/**
 * The share of a run's deliveries that arrived in each fifth of its time, e.g. `4/12/26/29/29 %`:
 * the app fans the whole burst out before its lanes get going (its first fifths carry little)
 * while raw sends as it consumes (even fifths), which the rate alone does not show.
 */
function fifths(arrivals: number[], started: number, ms: number): string {
  const counts = [0, 0, 0, 0, 0];
  for (const at of arrivals) counts[Math.min(4, Math.floor(((at - started) / ms) * 5))]++;
  return `${counts.map((c) => Math.round((c * 100) / Math.max(1, arrivals.length))).join('/')} %`;
}

class DeadlineError extends Error {}

/** Rejects when the overall deadline passes: a run that never ends is reported, not waited for. */
function deadline(what: () => string): { trip: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const trip = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`BENCH_DEADLINE_S passed during ${what()}`)), Math.max(0, DEADLINE_AT - Date.now()));
  });
  return { trip, clear: () => clearTimeout(timer) };
}

/** Bounds a clean-up step after a trip, so a wedged pipeline cannot hold the exit. */
const within = (ms: number, work: Promise<void>): Promise<void> => Promise.race([work, new Promise<void>((r) => setTimeout(r, ms).unref())]);

interface RunResult {
  /** Fast-endpoint deliveries per second. */
  rate: number;
  slowRequests: number;
  /** CPU µs per fast delivery: this process, and the database's backends (NaN when unreadable or raw). */
  nodeCpuUs: number;
  pgCpuUs: number;
}

async function run(side: Side, scenario: Scenario, rep: number, receivers: Receivers): Promise<RunResult> {
  const p = plan(scenario);
  const nats = await NatsServerHarness.start();
  const db = await TestDatabase.create('bench_webhooks');
  const nc = await connect({ servers: nats.url, noAsyncTraces: true });
  try {
    // The app provisions its streams at start-up; the raw side needs only EVENTS.
    if (side === 'raw') await (await jetstreamManager(nc)).streams.add({ name: STREAM_EVENTS, subjects: ['events.>'], duplicate_window: 120_000_000_000 });
    const urls = p.fastPaths.map((path) => receivers.base + path);
    const slowUrl = p.slow ? `${receivers.base}/slow` : undefined;
    const pipeline = side === 'raw' ? await startRaw(nc, urls, slowUrl) : await startApp(nats, db, urls, slowUrl);
    await sleep(300);
    const deliveries = p.firstOnly ? p.events : p.events * p.fastPaths.length;
    const arrived = receivers.expect(deliveries, p.firstOnly ? '/fast-0' : undefined);
    const limit = deadline(() => `${scenario} ${side} #${rep}: ${fmtInt(receivers.fast)} of ${fmtInt(deliveries)} deliveries arrived`);
    const js = jetstream(nc);
    const h = headers();
    h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
    const pgBefore = side === 'app' ? await pgBackendCpu(db) : undefined;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const publish = (i: number) => {
      const e = createEnvelope(TYPE, { n: i, name: 'Acme Supplies Ltd', email: 'orders@acme.example', notes: 'x'.repeat(150) }, 'bench');
      return js.publish(subjectForType(TYPE), JSON.stringify(e), { msgID: e.id, headers: h });
    };
    if (PACE > 0) await paced(p.events, PACE, publish);
    else await runWindow(p.events, 1_000, publish);
    try {
      await Promise.race([arrived, limit.trip]);
    } catch (err) {
      await within(30_000, pipeline.stop());
      throw err;
    } finally {
      limit.clear();
    }
    const ms = performance.now() - started;
    const shape = fifths(receivers.arrivals, started, ms);
    const cpu = process.cpuUsage(cpuBefore);
    const slowRequests = receivers.slowSeen;
    const nodeCpuUs = (cpu.user + cpu.system) / deliveries;
    const pgCpuUs = side === 'app' ? (pgCpuBetween(pgBefore, await pgBackendCpu(db)) * 1000) / deliveries : Number.NaN;
    await pipeline.stop();
    const rate = (deliveries / ms) * 1000;
    const cpuNote = `CPU/delivery: node ${fmtInt(nodeCpuUs)} µs${Number.isNaN(pgCpuUs) ? '' : `, PostgreSQL ${fmtInt(pgCpuUs)} µs`}`;
    progress(`${scenario} ${side} #${rep}: ${fmtInt(deliveries)} deliveries in ${fmtInt(ms)} ms = ${fmtInt(rate)}/s; ${cpuNote}${p.slow ? `, slow endpoint got ${slowRequests} requests` : ''}; deliveries by fifth of the run ${shape}`);
    return { rate, slowRequests, nodeCpuUs, pgCpuUs };
  } finally {
    await nc.close();
    await nats.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const receivers = await Receivers.start();
  const results: Record<Scenario, Record<Side, number[]>> = { one: { raw: [], app: [] }, twenty: { raw: [], app: [] }, pair: { raw: [], app: [] }, slow: { raw: [], app: [] } };
  type Cpu = Record<Side, { node: number[]; pg: number[] }>;
  const noCpu = (): Cpu => ({ raw: { node: [], pg: [] }, app: { node: [], pg: [] } });
  const cpu: Record<Scenario, Cpu> = { one: noCpu(), twenty: noCpu(), pair: noCpu(), slow: noCpu() };
  let tripped: Error | undefined;
  try {
    for (const side of SIDES) await run(side, 'one', 0, receivers);
    for (let rep = 1; rep <= REPEATS; rep++) {
      for (const scenario of SCENARIOS) {
        const sides = (rep % 2 === 1 ? SIDES : [...SIDES].reverse()).filter((side) => scenario !== 'slow' || side === 'app');
        for (const side of sides) {
          const r = await run(side, scenario, rep, receivers);
          results[scenario][side].push(r.rate);
          cpu[scenario][side].node.push(r.nodeCpuUs);
          if (!Number.isNaN(r.pgCpuUs)) cpu[scenario][side].pg.push(r.pgCpuUs);
        }
      }
    }
  } catch (err) {
    if (!(err instanceof DeadlineError)) throw err;
    tripped = err;
  } finally {
    await receivers.close();
  }
  if (tripped) console.log(`\nSTALLED: ${tripped.message}; the table below has the runs that finished`);
  const range = (s: Summary) => (s.runs.length ? `${fmtInt(s.median)} [${fmtInt(s.min)}–${fmtInt(s.max)}]` : '-');
  const rows = SCENARIOS.map((scenario) => {
    const raw = summarize(results[scenario].raw);
    const app = summarize(results[scenario].app);
    // `slow` is compared with the raw side of `one`: the same fast endpoint with nothing in the way.
    const base = scenario === 'slow' ? summarize(results.one.raw) : raw;
    const c = cpu[scenario];
    return { scenario, raw, app, ratio: app.median / base.median, cpuUs: { rawNode: median(c.raw.node), appNode: median(c.app.node), appPg: median(c.app.pg) } };
  });
  const one = summarize(results.one.app).median;
  const pair = summarize(results.pair.app).median;
  const slow = summarize(results.slow.app).median;
  const costAgainst = (s: Scenario, base: number) => (SCENARIOS.includes(s) && SCENARIOS.includes('slow') && SIDES.includes('app') ? 1 - slow / base : Number.NaN);
  const secondSubscriptionCost = costAgainst('one', one);
  const slowCost = costAgainst('pair', pair);
  console.log('');
  console.log(`Webhook deliveries/s to a fast local receiver, median [min–max] of ${REPEATS} runs (sides alternate), N=${fmtInt(N)}`);
  console.log(`node ${process.version}; endpoint concurrency ${ENDPOINT_CONCURRENCY}, instance concurrency ${CONCURRENCY}; slow endpoint times out after ${SLOW_TIMEOUT_MS} ms`);
  console.log('raw = nats.js pull consume → undici POST per subscription → ack; app = webhook-dispatcher (durable fan-out rows, signed, logged)');
  console.log(`CPU µs per fast delivery (medians): this process (receiver and publisher included) and the PostgreSQL backends of the app's database; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  console.log(
    table(
      ['scenario', '>raw /s', '>app /s', '>app/raw', '>raw node µs', '>app node µs', '>app PG µs'],
      rows.map((r) => [r.scenario, range(r.raw), range(r.app), fmtRatio(r.ratio), fmtInt(r.cpuUs.rawNode), fmtInt(r.cpuUs.appNode), fmtInt(r.cpuUs.appPg)]),
    ),
  );
  if (Number.isFinite(secondSubscriptionCost)) console.log(`a second subscription (timing out) against none (slow vs one, app): ${(secondSubscriptionCost * 100).toFixed(1)} % lower`);
  const oneRatio = rows.find((r) => r.scenario === 'one')?.ratio ?? Number.NaN;
  if (Number.isFinite(oneRatio)) console.log(`app ÷ raw, one fast subscription: ${fmtRatio(oneRatio)} (goal ≥ ${RAW_GOAL}): ${oneRatio >= RAW_GOAL ? 'met' : 'NOT met'}`);
  if (Number.isFinite(slowCost)) console.log(`the slow endpoint's slowness, against a fast second one (slow vs pair, app): ${(slowCost * 100).toFixed(1)} % (goal < ${SLOW_GOAL * 100} %): ${slowCost < SLOW_GOAL ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify({ bench: 'webhooks', n: N, repeats: REPEATS, rows: rows.map((r) => ({ scenario: r.scenario, raw: r.raw, app: r.app, ratio: r.ratio, cpuUs: r.cpuUs })), secondSubscriptionCost, slowCost, stalled: tripped?.message ?? null }));
  // A stall is a failure of the run, not a figure.
  if (tripped) process.exitCode = 1;
}

await main();
