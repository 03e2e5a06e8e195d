/**
 * Event-store writer throughput and latency, against a raw nats.js → PostgreSQL pipeline measured
 * in the same run.
 *
 *   npm run bench:event-store
 *
 * Starts a private nats-server (NatsServerHarness) and a fresh database (TestDatabase) and compares:
 *   raw = a nats.js durable pull consumer on EVENTS (`consume({ max_messages: 1000 })`) feeding a
 *         hand-written group commit: envelope → row, one multi-row `INSERT … ON CONFLICT (id) DO
 *         NOTHING` per batch of up to 500 (the app's row mapping and columns; rows without sentences,
 *         no `event_ids` claim, no partitions, no trigger: a plain INSERT of the rows), at most two
 *         inserts in flight on a pool of two, `m.ack()` of each message after its batch committed,
 *         into `events_raw` (LIKE events INCLUDING ALL: same columns and indexes);
 *   app = the event-store app in this process (AppModule + connectEventConsumer, as main.ts), its
 *         `event-store` durable and writer.
 * Both sides share the process: once the app has handled an event, Node 20 keeps AsyncLocalStorage's
 * promise hooks on, so the raw side's later runs pay them too (4–5 % of the app's CPU profile), and node flags
 * (`--max-semi-space-size`) reach both.
 * Modes, each side in turn (the side that goes first flips every repeat):
 *   backlog  N events published first, then the consumer starts: first delivery → Nth commit;
 *   live     the consumer is idle and caught up; a publisher in this process sends N events, 1,000
 *            in flight: first publish → Nth commit;
 *   latency  a publisher paced at BENCH_RATE events/s for BENCH_LAT_SECONDS; per event, publish call
 *            → its row committed, observed with LISTEN (a statement-level AFTER INSERT trigger
 *            NOTIFYs the inserted ids; notifications are delivered at commit). First second not counted.
 * Every run checks that exactly the events published were stored, once each. Prints a table, then
 * one JSON line. Progress goes to stderr.
 *
 * Where it runs: on the nats-server at NATS_URL when set, else on a private one it starts and stops;
 * on a database of its own on DATABASE_URL's server (created, then dropped). Everything it makes on
 * NATS is named for the run (`<id>`), so it can share a server with a live mesh or another bench:
 * events of type `bench<id>.created`, the app's durable `bench-es-<id>` (and its `-replay`), the raw
 * durable `bench-es-<id>-raw`; the durables are deleted at the end. On a shared server the run's
 * events are NOT purged (they age out with the stream's max_age): nats-server before 2.9.11 moves
 * every consumer whose filter covers a purged subject past its pending messages (nats-server#3838),
 * so a purge of `events.bench<id>.created` would make a live `event-store` durable (`events.>`)
 * skip events. Rounds do not need it: before each, both durables are made again starting at the
 * stream's end (deliver `new`), so each side reads only what is published for its run.
 * The app's durable starts at the stream's end (deliver `new`); as every event-store durable it
 * reads `events.>`, so on a shared server it also stores other traffic: counts and checks look at
 * the run's type only (then polled from the database every 20 ms instead of the writer's counter).
 *
 * Environment:
 *   BENCH_DEADLINE_S     overall deadline; past it the bench cleans up and exits 124 (default 1200)
 *   BENCH_N              events per throughput run (default 200000)
 *   BENCH_REPEATS        repeats per side and throughput mode (default 3)
 *   BENCH_MODES          comma list: backlog,live,latency (default all)
 *   BENCH_SIDES          comma list: raw,app (default both; one side for a profile, e.g. under --cpu-prof)
 *   BENCH_RATE           events/s of the latency runs (default 1000)
 *   BENCH_LAT_SECONDS    seconds per latency run (default 10)
 *   BENCH_CONCURRENCY    the app's CONSUMER_CONCURRENCY (default the writer's, WRITER_CONCURRENCY)
 *   BENCH_PAYLOAD_BYTES  size of the serialised envelope (default 430)
 *   BENCH_APP_ROLLUPS    `off` disables the summaries trigger on `events` for the whole run (to measure
 *                        what the rollups cost the app side; the raw table has no triggers)
 *   BENCH_RAW_ROLLUPS    `on` gives the raw table the same summaries trigger (the same database work on
 *                        both sides, so the ratio shows the app's own cost)
 */
import { INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { connect, headers, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, JetStreamClient, jetstream, jetstreamManager, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { CLOUDEVENTS_CONTENT_TYPE, connectEventConsumer, createEnvelope, HEADER, parseEnvelope, replayDurable, STREAM_EVENTS, STREAM_REPLAY, subjectForType } from '@app/events/internal';
import { sleep, TestDatabase } from '@app/testing';
import { AppModule } from '../../apps/event-store/src/app.module.js';
import { EventWriter } from '../../apps/event-store/src/writer/event-writer.js';
import { toEventRow } from '../../apps/event-store/src/writer/event-row.js';
import { insertEventsSql } from '../../apps/event-store/src/writer/insert-events.sql.js';
import { WRITER_CONCURRENCY } from '../../apps/event-store/src/writer/writer-config.js';
import { fmtInt, fmtRatio, table } from '../support/format.js';
import { median, summarize, Summary } from '../support/stats.js';
import { runWindow } from '../support/window.js';
import { envInt, envList } from '../support/env.js';
import { armDeadline } from '../support/deadline.js';
import { printResultRows, ResultRow } from '../support/result-line.js';
import { natsTarget, NatsTarget } from '../support/nats-target.js';
import { runId } from '../support/run-id.js';
import { pgBackendCpu, pgCpuBetween } from '../support/pg-backend-cpu.js';

// ---------------------------------------------------------------- configuration

type Side = 'raw' | 'app';

const N = Math.max(1, envInt('BENCH_N', 200_000));
const REPEATS = Math.max(1, envInt('BENCH_REPEATS', 3));
const MODES = envList('BENCH_MODES', ['backlog', 'live', 'latency'] as const);
const SIDES = envList<Side>('BENCH_SIDES', ['raw', 'app']);
const RATE = Math.max(1, envInt('BENCH_RATE', 1_000));
const LAT_SECONDS = Math.max(2, envInt('BENCH_LAT_SECONDS', 10));
const CONCURRENCY = Math.max(1, envInt('BENCH_CONCURRENCY', WRITER_CONCURRENCY));
const PAYLOAD_BYTES = envInt('BENCH_PAYLOAD_BYTES', 430);
const APP_ROLLUPS = (process.env.BENCH_APP_ROLLUPS ?? 'on') !== 'off';
const RAW_ROLLUPS = process.env.BENCH_RAW_ROLLUPS === 'on';

/** Issue 18's goals: backlog ≥ 0.9 × raw (live has none), publish→row p99 ≤ 1.2 × raw's. */
const BACKLOG_GOAL = 0.9;
const P99_GOAL_FACTOR = 1.2;
const DEADLINE_MS = envInt('BENCH_DEADLINE_S', 1_200, 1) * 1000;
const RAW_BATCH = 500;
const RAW_IN_FLIGHT = 2;
const RUN = runId();
const APP_DURABLE = `bench-es-${RUN}`;
const RAW_DURABLE = `${APP_DURABLE}-raw`;
const RAW_TABLE = 'events_raw';
const TYPE = `bench${RUN}.created`;
const SUBJECT = subjectForType(TYPE);
const NOTIFY_CHANNEL = 'bench_rows';

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------- events

const baseData = {
  id: 'vnd_01J9Z3Q7KX4M2B8N6P0R5T',
  name: 'Acme Supplies Ltd',
  email: 'orders@acme.example',
  country: 'GB',
  notes: '',
};

const envelope = (n: number, notes: string) =>
  createEnvelope(TYPE, { ...baseData, n, notes }, 'bench', {
    subject: `vnd_${n}`,
    resourceType: 'vendor',
    correlationId: `run-${n % 97}`,
  });
const NOTES = 'x'.repeat(Math.max(0, PAYLOAD_BYTES - Buffer.byteLength(JSON.stringify(envelope(100_000, '')))));
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify(envelope(100_000, NOTES)));

interface Prepared {
  ids: string[];
  payloads: string[];
}
function prepare(n: number): Prepared {
  const ids: string[] = new Array(n);
  const payloads: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = envelope(i, NOTES);
    ids[i] = e.id;
    payloads[i] = JSON.stringify(e);
  }
  return { ids, payloads };
}

/** Publishes with Nats-Msg-Id and the CloudEvents content type, as EventsService does. */
class Publisher {
  private readonly js: JetStreamClient;
  private readonly h: MsgHdrs;
  constructor(nc: NatsConnection) {
    this.js = jetstream(nc);
    this.h = headers();
    this.h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
  }
  async publish(id: string, payload: string): Promise<void> {
    const ack = await this.js.publish(SUBJECT, payload, { msgID: id, headers: this.h });
    if (ack.duplicate) throw new Error(`publish of ${id} was a duplicate`);
  }
  async all(p: Prepared, inFlight = 1_000): Promise<number> {
    return runWindow(p.ids.length, inFlight, (i) => this.publish(p.ids[i], p.payloads[i]));
  }
}

// ---------------------------------------------------------------- the two consumers

interface Consumer {
  side: Side;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Rows of the run's type committed since start. */
  committed(): number | Promise<number>;
  /** Wall-clock ms of the first delivery since start. */
  firstDeliveryAt(): Promise<number>;
  table: string;
  describe(): string;
}

/** The baseline: nats.js pull consumer → group commit of ≤ 500 rows, ≤ 2 inserts in flight → ack after commit. */
class RawPipeline implements Consumer {
  readonly side = 'raw' as const;
  readonly table = RAW_TABLE;
  private pool?: pg.Pool;
  private loop?: Promise<void>;
  private stopFn?: () => void;
  private count = 0;
  private first = 0;
  private batches = 0;
  private readonly sql = insertEventsSql(RAW_TABLE);

  constructor(
    private readonly nc: NatsConnection,
    private readonly dbUrl: string,
  ) {}

  describe(): string {
    return `raw: ${this.batches} batches, avg ${this.batches ? (this.count / this.batches).toFixed(0) : 0} rows`;
  }

  async start(): Promise<void> {
    this.count = 0;
    this.first = 0;
    this.batches = 0;
    this.pool = new pg.Pool({ connectionString: this.dbUrl, max: RAW_IN_FLIGHT });
    const consumer = await jetstream(this.nc).consumers.get(STREAM_EVENTS, RAW_DURABLE);
    const messages = await consumer.consume({ max_messages: 1_000 });
    this.stopFn = () => messages.stop();
    const pool = this.pool;
    let queue: { msg: JsMsg; row: ReturnType<typeof toEventRow> }[] = [];
    let inFlight = 0;
    let scheduled = false;
    const flush = (): void => {
      while (inFlight < RAW_IN_FLIGHT && queue.length > 0) {
        const batch = queue.slice(0, RAW_BATCH);
        queue = queue.slice(batch.length);
        inFlight++;
        this.batches++;
        const rows = batch.map((b) => b.row).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        pool.query(this.sql, [JSON.stringify(rows)]).then(
          () => {
            for (const b of batch) b.msg.ack();
            this.count += batch.length;
            inFlight--;
            flush();
          },
          (err: Error) => {
            for (const b of batch) b.msg.nak(1_000);
            inFlight--;
            progress(`raw insert failed: ${err.message}`);
            flush();
          },
        );
      }
    };
    this.loop = (async () => {
      for await (const msg of messages) {
        if (this.first === 0) this.first = Date.now();
        queue.push({ msg, row: toEventRow(parseEnvelope(msg.data), msg.seq, new Date()) });
        if (inFlight < RAW_IN_FLIGHT && !scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            flush();
          });
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopFn?.();
    await this.loop;
    await sleep(200); // inserts in flight finish and ack
    await this.pool?.end();
    this.pool = undefined;
  }

  committed(): number {
    return this.count;
  }

  async firstDeliveryAt(): Promise<number> {
    return this.first;
  }
}

/** The event-store app in this process, set up as main.ts does. */
class AppPipeline implements Consumer {
  readonly side = 'app' as const;
  readonly table = 'events';
  private app?: INestApplication;
  private writer?: EventWriter;

  /**
   * `shared`: the server may carry other traffic, which the app stores too, so its writer's counter
   * overcounts: rows of the run's type are counted in the database instead.
   */
  constructor(
    private readonly natsUrl: string,
    private readonly db: TestDatabase,
    private readonly shared: boolean,
  ) {}

  describe(): string {
    const s = this.writer?.stats;
    return s ? `app: ${s.batches} batches, avg ${(s.items / Math.max(1, s.batches)).toFixed(0)} rows, largest ${s.largestBatch}` : 'app: -';
  }

  async start(): Promise<void> {
    const ref = await Test.createTestingModule({
      imports: [AppModule.forRoot({ natsServers: [this.natsUrl], databaseUrl: this.db.url, concurrency: CONCURRENCY }, { consumer: APP_DURABLE })],
    }).compile();
    const app = ref.createNestApplication({ logger: ['error', 'warn'] });
    await connectEventConsumer(app);
    await app.init();
    this.app = app;
    this.writer = app.get(EventWriter);
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  async committed(): Promise<number> {
    if (!this.shared) return this.writer?.stats.committed ?? 0;
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE type = $1', [TYPE]);
    return rows[0].n;
  }

  async firstDeliveryAt(): Promise<number> {
    const { rows } = await this.db.query<{ t: Date }>('SELECT min(received_at) AS t FROM events WHERE type = $1', [TYPE]);
    return rows[0].t.getTime();
  }

  get pollMs(): number {
    return this.shared ? 20 : 5;
  }
}

// ---------------------------------------------------------------- runs

async function waitCommitted(c: Consumer, n: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const pollMs = c instanceof AppPipeline ? c.pollMs : 5;
  for (let done = await c.committed(); done < n; done = await c.committed()) {
    if (Date.now() > deadline) throw new Error(`${c.side}: ${done} of ${n} rows committed after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
  return Date.now();
}

/** This process's CPU time (all threads) per event since `since`, for the progress lines. */
function cpuPerEvent(since: NodeJS.CpuUsage, n: number): string {
  const used = process.cpuUsage(since);
  return `node CPU ${((used.user + used.system) / n).toFixed(1)} µs/event`;
}

async function verifyStored(db: TestDatabase, tableName: string, n: number, what: string): Promise<void> {
  const { rows } = await db.query<{ n: number; ids: number }>(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM ${tableName} WHERE type = $1`, [TYPE]);
  if (rows[0].n !== n || rows[0].ids !== n) throw new Error(`${what}: ${tableName} holds ${rows[0].n} rows (${rows[0].ids} ids), expected ${n}`);
}

interface Env {
  /** The nats-server is not ours (NATS_URL): never purge there. */
  shared: boolean;
  db: TestDatabase;
  jsm: JetStreamManager;
  /** The publishers' own connection (not the raw consumer's). */
  publisherNc: NatsConnection;
  consumers: Record<Side, Consumer>;
}

/** Both durables again, starting at the stream's end: a run sees only what is published after this. */
async function freshDurables(jsm: JetStreamManager): Promise<void> {
  for (const durable of [APP_DURABLE, RAW_DURABLE]) await jsm.consumers.delete(STREAM_EVENTS, durable).catch(() => undefined);
  await jsm.consumers.add(STREAM_EVENTS, { durable_name: APP_DURABLE, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: 'events.>' });
  await jsm.consumers.add(STREAM_EVENTS, {
    durable_name: RAW_DURABLE,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    filter_subject: SUBJECT,
    ack_wait: 30_000_000_000,
    max_ack_pending: Math.max(1_000, CONCURRENCY * 2),
  });
}

async function reset(env: Env): Promise<void> {
  await freshDurables(env.jsm);
  if (!env.shared) await env.jsm.streams.purge(STREAM_EVENTS, { filter: SUBJECT });
  await env.db.query(`TRUNCATE events, ${RAW_TABLE}`);
}

/** Backlog: both sides consume the same pre-filled stream, one after the other. */
async function backlogRound(env: Env, order: Side[], rep: number): Promise<Partial<Record<Side, number>>> {
  await reset(env);
  const p = prepare(N);
  const ms = await new Publisher(env.publisherNc).all(p);
  progress(`run ${rep} backlog: ${fmtInt(N)} events published in ${fmtInt(ms)} ms`);
  const rates: Partial<Record<Side, number>> = {};
  for (const side of order) {
    const c = env.consumers[side];
    const pg0 = await pgBackendCpu(env.db);
    const cpu0 = process.cpuUsage();
    await c.start();
    // The app's start (Nest, TypeORM, provisioning) is not per-event work: shown apart (deliveries already begin during it).
    const startCpu = process.cpuUsage(cpu0);
    const t1 = await waitCommitted(c, N, 300_000);
    // The database's share, which wall-clock rates on a shared machine hide (NaN on a remote server).
    const pgUs = (pgCpuBetween(pg0, await pgBackendCpu(env.db)) * 1000) / N;
    const cpu = `${cpuPerEvent(cpu0, N)}, of which start ${((startCpu.user + startCpu.system) / 1000).toFixed(0)} ms; PostgreSQL backends ${pgUs.toFixed(1)} µs/event`;
    const t0 = await c.firstDeliveryAt();
    await c.stop();
    await verifyStored(env.db, c.table, N, `run ${rep} backlog ${side}`);
    const rate = (N * 1000) / (t1 - t0);
    rates[side] = rate;
    progress(`run ${rep} backlog ${side.padEnd(3)}: ${fmtInt(rate)} events/s, ${cpu} (${c.describe()})`);
  }
  return rates;
}

/** Live: the consumer is up and idle; a publisher in this process sends N events. */
async function liveRun(env: Env, side: Side, rep: number): Promise<number> {
  await reset(env);
  const p = prepare(N);
  const c = env.consumers[side];
  await c.start();
  await sleep(500);
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const publishing = new Publisher(env.publisherNc).all(p);
  const t1 = await waitCommitted(c, N, 300_000);
  const cpu = cpuPerEvent(cpu0, N);
  const pubMs = await publishing;
  await c.stop();
  await verifyStored(env.db, c.table, N, `run ${rep} live ${side}`);
  const rate = (N * 1000) / (t1 - t0);
  progress(`run ${rep} live    ${side.padEnd(3)}: ${fmtInt(rate)} events/s, ${cpu} with the publisher (it took ${fmtInt(pubMs)} ms; ${c.describe()})`);
  return rate;
}

interface Latency {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  n: number;
}

/** Publish → row committed, per event, at a steady rate. */
async function latencyRun(env: Env, notifications: Map<string, number>, side: Side, rep: number): Promise<Latency> {
  await reset(env);
  const total = RATE * LAT_SECONDS;
  const p = prepare(total);
  const c = env.consumers[side];
  await c.start();
  await sleep(500);
  notifications.clear();
  const sentAt = new Float64Array(total);
  const pub = new Publisher(env.publisherNc);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  let next = 0;
  while (next < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * RATE) / 1000) + 1);
    while (next < due) {
      const i = next++;
      sentAt[i] = performance.now();
      pending.push(pub.publish(p.ids[i], p.payloads[i]));
    }
    await sleep(1);
  }
  await Promise.all(pending);
  await waitCommitted(c, total, 60_000);
  const deadline = Date.now() + 10_000;
  while (notifications.size < total && Date.now() < deadline) await sleep(10);
  await c.stop();
  await verifyStored(env.db, c.table, total, `run ${rep} latency ${side}`);
  const lat: number[] = [];
  for (let i = RATE; i < total; i++) {
    const at = notifications.get(p.ids[i]);
    if (at === undefined) throw new Error(`latency ${side}: no notification for event ${i}`);
    lat.push(at - sentAt[i]);
  }
  lat.sort((a, b) => a - b);
  const q = (f: number) => lat[Math.min(lat.length - 1, Math.floor(f * lat.length))];
  const r = { p50: q(0.5), p99: q(0.99), p999: q(0.999), max: lat[lat.length - 1], n: lat.length };
  progress(`run ${rep} latency ${side.padEnd(3)}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, p99.9 ${r.p999.toFixed(2)} ms, max ${r.max.toFixed(1)} ms (${c.describe()})`);
  return r;
}

// ---------------------------------------------------------------- main

/** Removes what the run made on NATS (durables, its subject's events); each step reported, none fatal. */
async function removeNatsState(nc: NatsConnection | undefined, shared: boolean): Promise<void> {
  if (!nc || nc.isClosed()) return;
  const jsm = await jetstreamManager(nc);
  const steps: [string, () => Promise<unknown>][] = [
    [`deleting durable ${APP_DURABLE}`, () => jsm.consumers.delete(STREAM_EVENTS, APP_DURABLE)],
    [`deleting durable ${replayDurable(APP_DURABLE)}`, () => jsm.consumers.delete(STREAM_REPLAY, replayDurable(APP_DURABLE))],
    [`deleting durable ${RAW_DURABLE}`, () => jsm.consumers.delete(STREAM_EVENTS, RAW_DURABLE)],
    ...(shared ? [] : ([[`purging ${SUBJECT}`, () => jsm.streams.purge(STREAM_EVENTS, { filter: SUBJECT })]] as [string, () => Promise<unknown>][])),
  ];
  for (const [what, fn] of steps) {
    try {
      await fn();
    } catch (err) {
      // A durable never created (a run stopped early) is not news.
      if (!/consumer not found/i.test((err as Error).message)) progress(`cleanup: ${what} failed: ${(err as Error).message}`);
    }
  }
}

async function main(): Promise<number> {
  progress(`N=${N}, repeats=${REPEATS}, modes=${MODES.join(',')}, rollups app ${APP_ROLLUPS ? 'on' : 'off'} raw ${RAW_ROLLUPS ? 'on' : 'off'}, latency ${RATE}/s × ${LAT_SECONDS}s, app concurrency ${CONCURRENCY}, envelope ${ENVELOPE_BYTES} bytes`);
  let server: NatsTarget | undefined;
  let db: TestDatabase | undefined;
  let nc: NatsConnection | undefined;
  let publisherNc: NatsConnection | undefined;
  let listener: pg.Client | undefined;
  let consumers: Record<Side, Consumer> | undefined;
  try {
    armDeadline('event-store', DEADLINE_MS, async () => {
      await removeNatsState(nc, server?.external ?? true);
      await server?.close();
      await db?.drop();
    });
    server = await natsTarget();
    db = await TestDatabase.create('bench_event_store');
    progress(`nats-server ${server.url}${server.external ? ' (external)' : ' (private)'}, database ${db.name}, type ${TYPE}, durables ${APP_DURABLE}, ${RAW_DURABLE}`);
    nc = await connect({ servers: server.url, name: 'bench-raw', noAsyncTraces: true });
    publisherNc = await connect({ servers: server.url, name: 'bench-publisher', noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);

    // On a server that has EVENTS already (a shared one), the app's durable starts at its end
    // rather than reading its history; otherwise the app creates the stream and the durable.
    if (await jsm.streams.info(STREAM_EVENTS).catch(() => undefined)) {
      await jsm.consumers.add(STREAM_EVENTS, { durable_name: APP_DURABLE, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: 'events.>' });
    }
    // The app provisions the streams, runs the migrations and creates its durable; then it stops.
    const app = new AppPipeline(server.url, db, server.external);
    await app.start();
    for (let i = 0; !(await jsm.consumers.info(STREAM_EVENTS, APP_DURABLE).catch(() => undefined)); i++) {
      if (i > 200) throw new Error('the event-store durable was not created');
      await sleep(50);
    }
    await app.stop();
    // A plain table with the columns and indexes of `events` and the primary key the raw insert's ON CONFLICT needs.
    await db.query(`CREATE TABLE ${RAW_TABLE} (LIKE events INCLUDING ALL, PRIMARY KEY (id))`);
    if (!APP_ROLLUPS) await db.query('ALTER TABLE events DISABLE TRIGGER events_summaries_add');
    // The function reads only the statement's transition table, so it serves any table of this shape.
    if (RAW_ROLLUPS) await db.query(`CREATE TRIGGER raw_summaries_add AFTER INSERT ON ${RAW_TABLE} REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION event_summaries_add()`);
    consumers = { raw: new RawPipeline(nc, db.url), app };

    const env: Env = { shared: server.external, db, jsm, publisherNc, consumers };

    const sides = SIDES;
    const runs: Record<'backlog' | 'live', Record<Side, number[]>> = { backlog: { raw: [], app: [] }, live: { raw: [], app: [] } };
    const latencies: Record<Side, Latency[]> = { raw: [], app: [] };

    if (MODES.includes('latency')) {
      const notifications = new Map<string, number>();
      listener = new pg.Client({ connectionString: db.url });
      await listener.connect();
      listener.on('notification', (m) => {
        const at = performance.now();
        for (const id of (m.payload ?? '').split(',')) if (id) notifications.set(id, at);
      });
      await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
      await db.query(`CREATE FUNCTION bench_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE chunk text;
        BEGIN
          FOR chunk IN SELECT string_agg(id::text, ',') FROM (SELECT id, (row_number() OVER ()) / 150 AS g FROM inserted) s GROUP BY g LOOP
            PERFORM pg_notify('${NOTIFY_CHANNEL}', chunk);
          END LOOP;
          RETURN NULL;
        END $$`);
      for (const t of ['events', RAW_TABLE]) {
        await db.query(`CREATE TRIGGER bench_notify AFTER INSERT ON ${t} REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION bench_notify()`);
      }
      for (let rep = 1; rep <= REPEATS; rep++) {
        for (const side of rep % 2 === 1 ? sides : [...sides].reverse()) latencies[side].push(await latencyRun(env, notifications, side, rep));
      }
      for (const t of ['events', RAW_TABLE]) await db.query(`DROP TRIGGER bench_notify ON ${t}`);
    }
    for (let rep = 1; rep <= REPEATS; rep++) {
      const order = rep % 2 === 1 ? sides : [...sides].reverse();
      if (MODES.includes('backlog')) {
        const r = await backlogRound(env, order, rep);
        for (const side of sides) runs.backlog[side].push(r[side]!);
      }
      if (MODES.includes('live')) for (const side of order) runs.live[side].push(await liveRun(env, side, rep));
    }

    // ---------------------------------------------------------------- report
    const throughput = (['backlog', 'live'] as const)
      .filter((m) => MODES.includes(m))
      .map((mode) => {
        const raw = summarize(runs[mode].raw);
        const appS = summarize(runs[mode].app);
        const ratio = appS.median / raw.median;
        const paired = runs[mode].raw.length && runs[mode].app.length ? median(runs[mode].app.map((a, i) => a / runs[mode].raw[i])) : Number.NaN;
        const goal = mode === 'backlog' ? BACKLOG_GOAL : undefined;
        return { mode, raw, app: appS, ratio, paired, goal, met: goal !== undefined && Number.isFinite(ratio) ? ratio >= goal : null };
      });
    const lat = MODES.includes('latency')
      ? SIDES.map((side) => {
          const l = latencies[side];
          return { side, p50: median(l.map((x) => x.p50)), p99: median(l.map((x) => x.p99)), p999: median(l.map((x) => x.p999)), max: Math.max(...l.map((x) => x.max)) };
        })
      : [];
    const appLat = lat.find((l) => l.side === 'app');
    const rawP99 = lat.find((l) => l.side === 'raw')?.p99;
    const p99Goal = rawP99 === undefined ? undefined : rawP99 * P99_GOAL_FACTOR;
    const p99Met = appLat && p99Goal !== undefined ? appLat.p99 <= p99Goal : null;
    const range = (s: Summary) => `${fmtInt(s.median)} [${fmtInt(s.min)}–${fmtInt(s.max)}]`;
    const info = nc.info;
    const pgVersion = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    console.log('');
    console.log(`Event-store writer vs raw nats.js → PostgreSQL pipeline, median [min–max] of ${REPEATS} runs (sides alternate)`);
    console.log(
      `node ${process.version}, nats-server ${info?.version ?? '?'}${server.external ? ' (external)' : ' (private, file store, R1)'}, PostgreSQL ${pgVersion}, ${ENVELOPE_BYTES}-byte envelopes, ` +
        `N=${fmtInt(N)}, app CONSUMER_CONCURRENCY=${CONCURRENCY}`,
    );
    console.log(`raw = nats.js pull consume → ≤ ${RAW_BATCH}-row INSERT … ON CONFLICT DO NOTHING, ${RAW_IN_FLIGHT} in flight → ack after commit`);
    console.log('app = the event-store app in this process (JetStream transport → @EventBatchPattern handler → EventWriter)');
    console.log('');
    if (throughput.length) {
      console.log(
        table(
          ['mode', '>N', '>raw events/s', '>app events/s', '>app/raw', '>paired', '>goal', 'met'],
          throughput.map((t) => [
            t.mode === 'backlog' ? 'backlog (pre-filled)' : 'live publisher (1000 in flight)',
            fmtInt(N),
            range(t.raw),
            range(t.app),
            fmtRatio(t.ratio),
            fmtRatio(t.paired),
            t.goal === undefined ? '' : `≥ ${t.goal}`,
            t.met === null ? 'n/a' : t.met ? 'yes' : 'NO',
          ]),
        ),
      );
      console.log('');
    }
    if (lat.length) {
      console.log(
        table(
          [`publish → committed row at ${fmtInt(RATE)}/s`, '>p50 ms', '>p99 ms', '>p99.9 ms', '>max ms', '>goal p99', 'met'],
          lat.map((l) => [
            l.side,
            l.p50.toFixed(2),
            l.p99.toFixed(2),
            l.p999.toFixed(2),
            l.max.toFixed(1),
            l.side === 'app' && p99Goal !== undefined ? `≤ ${p99Goal.toFixed(1)} (${P99_GOAL_FACTOR} × raw)` : '',
            l.side === 'app' && p99Met !== null ? (p99Met ? 'yes' : 'NO') : '',
          ]),
        ),
      );
      console.log('');
    }
    const judged = SIDES.length === 2;
    const goalsMet = judged ? throughput.every((t) => t.met !== false) && p99Met !== false : null;
    console.log(goalsMet === null ? 'Goals not judged (one side only)' : `Goals ${goalsMet ? 'met' : 'NOT met'}`);
    const round = (s: Summary) => ({ median: Math.round(s.median), min: Math.round(s.min), max: Math.round(s.max), runs: s.runs.map(Math.round) });
    const ms2 = (x: number) => Number(x.toFixed(2));
    console.log(
      JSON.stringify({
        bench: 'event-store',
        node: process.version,
        natsServer: info?.version,
        postgres: pgVersion,
        envelopeBytes: ENVELOPE_BYTES,
        n: N,
        repeats: REPEATS,
        concurrency: CONCURRENCY,
        throughput: throughput.map((t) => ({
          mode: t.mode,
          raw: round(t.raw),
          app: round(t.app),
          ratio: Number.isFinite(t.ratio) ? Number(t.ratio.toFixed(3)) : null,
          pairedRatio: Number.isFinite(t.paired) ? Number(t.paired.toFixed(3)) : null,
          goal: t.goal ?? null,
          met: t.met,
        })),
        latency: lat.length
          ? { rate: RATE, seconds: LAT_SECONDS, ...Object.fromEntries(lat.map((l) => [l.side, { p50: ms2(l.p50), p99: ms2(l.p99), p999: ms2(l.p999), max: ms2(l.max) }])), goalP99Ms: p99Goal === undefined ? null : ms2(p99Goal), met: p99Met }
          : null,
        goalsMet,
      }),
    );
    const rows: ResultRow[] = throughput
      .filter((t) => Number.isFinite(t.ratio))
      .map((t) => ({ scenario: `event-store ${t.mode}`, unit: 'events/s', raw: t.raw.median, ours: t.app.median, ratio: t.ratio, goal: t.mode === 'backlog' ? 0.9 : undefined }));
    const rawLat = lat.find((l) => l.side === 'raw');
    if (rawLat && appLat) rows.push({ scenario: `event-store publish→row p99 at ${RATE}/s`, unit: 'ms', raw: rawLat.p99, ours: appLat.p99, ratio: rawLat.p99 / appLat.p99, goal: Number((1 / 1.2).toFixed(2)) });
    printResultRows('event-store', rows);
    return 0;
  } catch (err) {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    if (server) console.error(`nats-server log tail:\n${server.logTail()}`);
    return 1;
  } finally {
    const step = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        progress(`cleanup: ${what} failed: ${(err as Error).message}`);
      }
    };
    if (consumers) for (const c of Object.values(consumers)) await step(`stopping ${c.side}`, () => c.stop());
    if (listener) await step('closing the LISTEN connection', () => listener!.end());
    await removeNatsState(nc, server?.external ?? true);
    for (const conn of [nc, publisherNc]) if (conn && !conn.isClosed()) await step('closing a NATS connection', () => conn.close());
    if (server) await step('stopping nats-server', () => server!.close());
    if (db) await step('dropping the database', () => db!.drop());
  }
}

Logger.overrideLogger(['error', 'warn']);
main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
