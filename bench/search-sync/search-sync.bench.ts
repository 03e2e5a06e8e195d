/**
 * search-sync throughput into each provider, against a raw nats.js pipeline into the same target
 * measured in the same run.
 *
 *   npm run bench:search-sync
 *
 * Starts a private nats-server (NatsServerHarness), a fresh database (TestDatabase) and the local
 * Algolia stand-in (the e2e tests' HTTP server, driven by the real algoliasearch client), then
 * fills EVENTS with N vendor events (N/2 vendors, each `vendor.created` then `vendor.updated`, as
 * vendor-service publishes them) and lets each consumer drain that backlog:
 *   raw-local   a nats.js durable pull consumer (`consume({ max_messages: 1000 })`) → newest event per
 *               vendor → one `INSERT … ON CONFLICT DO UPDATE` of ≤ 1000 documents (the local
 *               provider's SQL, tsvector included) into a copy of search_documents, 2 in flight →
 *               `m.ack()` after commit. No order guard: the ceiling of consume → PostgreSQL.
 *   app-local   search-sync in this process with the local provider (AppModule + connectEventConsumer).
 *   raw-algolia the same consumer → one algoliasearch `multipleBatch` of ≤ 1000 updateObject requests,
 *               2 in flight → ack after Algolia answered. No order guard.
 *   app-algolia search-sync with the Algolia provider pointed at the stand-in (hosts option).
 * Each run: first delivery → consumer drained (num_pending and num_ack_pending 0, polled every
 * 20 ms), then a check of the index: search-sync must hold the newest state of every vendor; the
 * raw pipelines, having no order guard, may not (counted as stale). Prints a table of
 * events/s (median [min–max]), app/raw ratios and events (operations) per batch call, then one
 * JSON line. Both sides send only the newest operation per vendor of a batch to the index.
 *
 * Environment:
 *   BENCH_N        events per run (default 40000, even)
 *   BENCH_REPEATS  runs per side (default 3; sides alternate)
 *   BENCH_SIDES    comma list: raw-local,app-local,raw-algolia,app-algolia (default all)
 *   BENCH_DEADLINE_S  overall deadline; past it the bench cleans up and exits 124 (default 900)
 */
import { INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { connect, headers, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, JetStreamClient, jetstreamManager, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { algoliasearch } from 'algoliasearch';
import { CLOUDEVENTS_CONTENT_TYPE, connectEventConsumer, createEnvelope, HEADER, parseEnvelope, STREAM_EVENTS, subjectForType, type CloudEvent } from '@app/events/internal';
import { NatsServerHarness, sleep, TestDatabase } from '@app/testing';
import { AppModule } from '../../apps/search-sync/src/app.module.js';
import type { SearchSyncConfig } from '../../apps/search-sync/src/config/search-sync-env.js';
import type { IndexOperation } from '../../apps/search-sync/src/mapping/index-mapping.js';
import { DEFAULT_MAPPING } from '../../apps/search-sync/src/mapping/default-mapping.js';
import { RecordBuilder } from '../../apps/search-sync/src/mapping/record-builder.js';
import { IndexWriter } from '../../apps/search-sync/src/sync/index-writer.js';
import { AlgoliaStandIn } from '../../apps/search-sync/test/algolia-stand-in.js';
import { fmtInt, fmtRatio, table } from '../support/format.js';
import { median, summarize, Summary } from '../support/stats.js';
import { runWindow } from '../support/window.js';
import { envInt } from '../support/env.js';
import { armDeadline } from '../support/deadline.js';
import { pgBackendCpu, pgCpuBetween } from '../support/pg-backend-cpu.js';

// ---------------------------------------------------------------- configuration

const SIDE_NAMES = ['raw-local', 'app-local', 'raw-algolia', 'app-algolia'] as const;
type Side = (typeof SIDE_NAMES)[number];
const sidesFromEnv = (): Side[] => {
  const raw = process.env.BENCH_SIDES;
  if (!raw) return [...SIDE_NAMES];
  const picked = raw.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = picked.filter((p) => !(SIDE_NAMES as readonly string[]).includes(p));
  if (bad.length) throw new Error(`BENCH_SIDES: unknown ${bad.join(', ')}; use ${SIDE_NAMES.join(',')}`);
  return picked as Side[];
};

const N = Math.max(2, envInt('BENCH_N', 40_000)) & ~1;
const REPEATS = Math.max(1, envInt('BENCH_REPEATS', 3));
const SIDES = sidesFromEnv();
const DEADLINE_MS = envInt('BENCH_DEADLINE_S', 900, 1) * 1000;
const RAW_BATCH = 1_000;
const RAW_IN_FLIGHT = 2;
const RAW_DURABLE = 'bench-raw';
const APP_DURABLE = 'search-sync';
const RAW_TABLE = 'search_documents_raw';
const RAW_INDEX = 'vendors_raw';

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------- events

function vendorData(i: number, version: number) {
  return {
    id: `0193c7a0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    name: `Vendor ${i} ${version ? 'Grill' : 'Tacos'}`,
    description: 'Street food, open late, cash and cards',
    phone: '+14155552671',
    email: 'owner@example.com',
    website: 'https://vendor.example',
    open: true,
    primaryImage: null,
    lat: 52.52 + (i % 100) / 1000,
    long: 13.4 + (i % 100) / 1000,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** N/2 vendors, each created then updated (the update is newer): what the index must end with is every update. */
function prepare(): { ids: string[]; payloads: string[]; subjects: string[] } {
  const ids: string[] = [];
  const payloads: string[] = [];
  const subjects: string[] = [];
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < N / 2; i++) {
    for (const version of [0, 1]) {
      const v = vendorData(i, version);
      const event =
        version === 0
          ? createEnvelope('vendor.created', v, 'vendor-service', { subject: v.id, resourceType: 'vendor', time: new Date(t0 + i).toISOString() })
          : createEnvelope('vendor.updated', v, 'vendor-service', { subject: v.id, resourceType: 'vendor', extensions: { changedfields: 'name' }, time: new Date(t0 + N + i).toISOString() });
      ids.push(event.id);
      payloads.push(JSON.stringify(event));
      subjects.push(subjectForType(event.type));
    }
  }
  return { ids, payloads, subjects };
}

async function publishAll(js: JetStreamClient, p: ReturnType<typeof prepare>): Promise<number> {
  const h: MsgHdrs = headers();
  h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
  return runWindow(p.ids.length, 1_000, async (i) => {
    await js.publish(p.subjects[i], p.payloads[i], { msgID: p.ids[i], headers: h });
  });
}

// ---------------------------------------------------------------- consumers

interface Consumer {
  side: Side;
  durable: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Events (one operation each) per provider call so far (this run). */
  opsPerCall(): number;
  /** How many vendors the target holds in an older state than their last event (throws when any is missing). */
  verify(): Promise<number>;
  reset(): Promise<void>;
}

/** The baseline: nats.js pull consumer → ≤ 1000 writes per call, 2 in flight → ack after the write. */
class RawPipeline implements Consumer {
  readonly durable = RAW_DURABLE;
  private stopFn?: () => void;
  private loop?: Promise<void>;
  private calls = 0;
  private ops = 0;
  private readonly records = new RecordBuilder(DEFAULT_MAPPING);

  constructor(
    readonly side: Side,
    private readonly nc: NatsConnection,
    private readonly write: (ops: IndexOperation[]) => Promise<void>,
    readonly verify: () => Promise<number>,
    readonly reset: () => Promise<void>,
  ) {}

  opsPerCall(): number {
    return this.calls ? this.ops / this.calls : 0;
  }

  async start(): Promise<void> {
    this.calls = 0;
    this.ops = 0;
    const consumer = await jetstream(this.nc).consumers.get(STREAM_EVENTS, RAW_DURABLE);
    const messages = await consumer.consume({ max_messages: 1_000 });
    this.stopFn = () => messages.stop();
    let queue: { msg: JsMsg; op: IndexOperation }[] = [];
    let inFlight = 0;
    let scheduled = false;
    const flush = (): void => {
      while (inFlight < RAW_IN_FLIGHT && queue.length > 0) {
        const batch = queue.slice(0, RAW_BATCH);
        queue = queue.slice(batch.length);
        inFlight++;
        this.calls++;
        // One write per object and call (ON CONFLICT cannot touch a row twice): the last one wins.
        const newest = new Map(batch.map((b) => [b.op.objectID, b.op]));
        this.ops += batch.length;
        this.write([...newest.values()]).then(
          () => {
            for (const b of batch) b.msg.ack();
            inFlight--;
            flush();
          },
          (err: Error) => {
            for (const b of batch) b.msg.nak(1_000);
            inFlight--;
            progress(`${this.side} write failed: ${err.message}`);
            flush();
          },
        );
      }
    };
    this.loop = (async () => {
      for await (const msg of messages) {
        const [op] = this.records.operations(parseEnvelope(msg.data) as CloudEvent);
        queue.push({ msg, op: { ...op, index: RAW_INDEX } });
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
  }
}

/** search-sync in this process, set up as main.ts does. */
class AppPipeline implements Consumer {
  readonly durable = APP_DURABLE;
  private app?: INestApplication;
  private batcher?: IndexWriter;
  private base = { batches: 0, operations: 0 };

  constructor(
    readonly side: Side,
    private readonly natsUrl: string,
    private readonly db: TestDatabase,
    private readonly search: Partial<SearchSyncConfig>,
    readonly verify: () => Promise<number>,
    readonly reset: () => Promise<void>,
  ) {}

  opsPerCall(): number {
    const s = this.batcher?.stats;
    return s && s.batches > this.base.batches ? (s.items - this.base.operations) / (s.batches - this.base.batches) : 0;
  }

  async start(): Promise<void> {
    const ref = await Test.createTestingModule({
      imports: [AppModule.forRoot({ events: { natsServers: [this.natsUrl], databaseUrl: this.db.url }, search: this.search })],
    }).compile();
    const app = ref.createNestApplication({ logger: ['error', 'warn'] });
    await connectEventConsumer(app);
    await app.init();
    this.app = app;
    this.batcher = app.get(IndexWriter);
    this.base = { batches: this.batcher.stats.batches, operations: this.batcher.stats.items };
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }
}

// ---------------------------------------------------------------- runs

async function drained(jsm: JetStreamManager, durable: string, timeoutMs: number): Promise<{ firstAt: number; doneAt: number }> {
  const deadline = Date.now() + timeoutMs;
  let firstAt = 0;
  for (;;) {
    const info = await jsm.consumers.info(STREAM_EVENTS, durable);
    if (!firstAt && info.delivered.stream_seq > 0) firstAt = Date.now();
    if (info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq > 0) return { firstAt, doneAt: Date.now() };
    if (Date.now() > deadline) throw new Error(`${durable}: ${info.num_pending} pending, ${info.num_ack_pending} unacked after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Rewinds a durable to the start of the stream (delete and re-create, same config). */
async function rewind(jsm: JetStreamManager, durable: string): Promise<void> {
  await jsm.consumers.delete(STREAM_EVENTS, durable).catch(() => undefined);
  await jsm.consumers.add(STREAM_EVENTS, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: 'events.>',
    ack_wait: 30_000_000_000,
    max_ack_pending: 6_000,
    max_deliver: 30,
  });
}

/** The consumer running now (stopped by the deadline's cleanup). */
let running: Consumer | undefined;

async function run(jsm: JetStreamManager, db: TestDatabase, c: Consumer, rep: number): Promise<{ rate: number; opsPerCall: number; stale: number }> {
  await c.reset();
  await rewind(jsm, c.durable);
  const cpu0 = process.cpuUsage();
  running = c;
  await c.start();
  // The database shares the machine's cores: its CPU per event is part of what a side costs.
  const pg0 = await pgBackendCpu(db);
  const { firstAt, doneAt } = await drained(jsm, c.durable, 600_000);
  const pgMs = pgCpuBetween(pg0, await pgBackendCpu(db));
  const opsPerCall = c.opsPerCall();
  await c.stop();
  running = undefined;
  const cpu = process.cpuUsage(cpu0);
  const stale = await c.verify();
  // The order guard is what search-sync adds: it must never end stale. The raw pipelines can.
  if (stale > 0 && c instanceof AppPipeline) throw new Error(`${c.side}: ${stale} vendors left in an older state`);
  const rate = (N * 1000) / Math.max(1, doneAt - firstAt);
  progress(`run ${rep} ${c.side.padEnd(11)}: ${fmtInt(rate)} events/s, ${opsPerCall.toFixed(0)} events per call, ${stale} stale, node CPU ${((cpu.user + cpu.system) / N).toFixed(1)} µs/event, PostgreSQL CPU ${((pgMs * 1000) / N).toFixed(1)} µs/event`);
  return { rate, opsPerCall, stale };
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  Logger.overrideLogger(['error']);
  progress(`N=${N}, repeats=${REPEATS}, sides=${SIDES.join(',')}`);
  let server: NatsServerHarness | undefined;
  let db: TestDatabase | undefined;
  let nc: NatsConnection | undefined;
  let pool: pg.Pool | undefined;
  const stand = new AlgoliaStandIn();
  const cleanup = async () => {
    await running?.stop().catch(() => undefined);
    await pool?.end();
    await nc?.close();
    await stand.close().catch(() => undefined);
    await server?.close();
    await db?.drop();
  };
  armDeadline('search-sync', DEADLINE_MS, cleanup);
  try {
    server = await NatsServerHarness.start();
    db = await TestDatabase.create('bench_search_sync');
    const standUrl = await stand.start();
    nc = await connect({ servers: server.url, name: 'bench', noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    const rawPool = (pool = new pg.Pool({ connectionString: db.url, max: RAW_IN_FLIGHT + 1 }));
    rawPool.on('error', (err) => progress(`raw pool: ${err.message}`));
    const algolia = { appId: stand.appId, apiKey: stand.apiKey, hosts: [standUrl], timeoutMs: 30_000 };

    // The app provisions the streams and runs the migrations; then it stops.
    const local = new AppPipeline('app-local', server.url, db, { provider: 'local', algolia: undefined }, () => verifyLocal('vendors'), async () => {
      await db!.query(`TRUNCATE search_documents, search_sync_state`);
    });
    await local.start();
    for (let i = 0; !(await jsm.consumers.info('EVENTS_REPLAY', `${APP_DURABLE}-replay`).catch(() => undefined)); i++) {
      if (i > 200) throw new Error('the search-sync durables were not created');
      await sleep(50);
    }
    await local.stop();
    // The raw side writes documents only: no guard columns.
    await db.query(`CREATE TABLE ${RAW_TABLE} (LIKE search_documents INCLUDING ALL)`);
    await db.query(`ALTER TABLE ${RAW_TABLE} DROP COLUMN event_time, DROP COLUMN event_id, DROP COLUMN deleted, DROP COLUMN applied_at`);

    const expectedName = (i: number) => vendorData(i, 1).name;
    async function verifyLocal(index: string, tableName = 'search_documents'): Promise<number> {
      const { rows } = await db!.query<{ n: number; ok: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE record->>'name' LIKE '% Grill')::int AS ok FROM ${tableName} WHERE index_name = $1`,
        [index],
      );
      if (rows[0].n !== N / 2) throw new Error(`${tableName}/${index}: ${rows[0].n} documents, expected ${N / 2}`);
      return rows[0].n - rows[0].ok;
    }
    const verifyStand = (index: string) => async (): Promise<number> => {
      const recs = stand.records(index);
      if (recs.length !== N / 2) throw new Error(`stand-in ${index}: ${recs.length} records, expected ${N / 2} (e.g. ${expectedName(0)})`);
      return recs.filter((r) => !String(r.name).endsWith('Grill')).length;
    };
    const resetStand = (index: string) => async () => {
      stand.indexes.delete(index);
      stand.requests.length = 0;
      await db!.query(`TRUNCATE search_sync_state`);
    };

    const client = algoliasearch(algolia.appId, algolia.apiKey, { hosts: [{ url: '127.0.0.1', port: Number(new URL(standUrl).port), protocol: 'http', accept: 'readWrite' }] });
    const writeLocalRaw = async (ops: IndexOperation[]) => {
      const rows = ops.map((op) => ({ index_name: op.index, object_id: op.objectID, record: op.record, primary_text: op.searchable?.[0] ?? '', other_text: (op.searchable ?? []).slice(1).join(' ') }));
      await rawPool.query(
        `INSERT INTO ${RAW_TABLE} (index_name, object_id, record, primary_text, document)
         SELECT index_name, object_id, record, primary_text,
                setweight(to_tsvector('simple', primary_text), 'A') || setweight(to_tsvector('simple', other_text), 'B')
           FROM json_to_recordset($1::json) AS r(index_name text, object_id text, record jsonb, primary_text text, other_text text)
           ORDER BY index_name, object_id
         ON CONFLICT (index_name, object_id) DO UPDATE SET record = excluded.record, primary_text = excluded.primary_text, document = excluded.document`,
        [JSON.stringify(rows)],
      );
    };
    const writeAlgoliaRaw = async (ops: IndexOperation[]) => {
      await client.multipleBatch({ requests: ops.map((op) => ({ action: 'updateObject' as const, indexName: op.index, body: op.record! })) });
    };

    const consumers: Record<Side, Consumer> = {
      'raw-local': new RawPipeline('raw-local', nc, writeLocalRaw, () => verifyLocal(RAW_INDEX, RAW_TABLE), async () => {
        await db!.query(`TRUNCATE ${RAW_TABLE}`);
      }),
      'app-local': local,
      'raw-algolia': new RawPipeline('raw-algolia', nc, writeAlgoliaRaw, verifyStand(RAW_INDEX), resetStand(RAW_INDEX)),
      'app-algolia': new AppPipeline('app-algolia', server.url, db, { provider: 'algolia', algolia }, verifyStand('vendors'), resetStand('vendors')),
    };

    const p = prepare();
    const ms = await publishAll(jetstream(nc), p);
    progress(`${fmtInt(N)} events published in ${fmtInt(ms)} ms (${p.payloads[1].length}-byte vendor.updated envelopes)`);

    const runs: Record<Side, { rate: number; opsPerCall: number; stale: number }[]> = { 'raw-local': [], 'app-local': [], 'raw-algolia': [], 'app-algolia': [] };
    for (let rep = 1; rep <= REPEATS; rep++) {
      for (const side of rep % 2 === 1 ? SIDES : [...SIDES].reverse()) runs[side].push(await run(jsm, db, consumers[side], rep));
    }
    // ---------------------------------------------------------------- report
    const range = (s: Summary) => `${fmtInt(s.median)} [${fmtInt(s.min)}–${fmtInt(s.max)}]`;
    const summary = Object.fromEntries(
      SIDES.map((side) => [side, { rate: summarize(runs[side].map((r) => r.rate)), opsPerCall: median(runs[side].map((r) => r.opsPerCall)), stale: runs[side].map((r) => r.stale) }]),
    );
    const ratio = (app: Side, raw: Side) => (summary[app] && summary[raw] ? summary[app].rate.median / summary[raw].rate.median : Number.NaN);
    const pgVersion = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    console.log('');
    console.log(`search-sync vs raw nats.js pipelines into the same targets, backlog of ${fmtInt(N)} vendor events (${N / 2} vendors × created+updated), median [min–max] of ${REPEATS} runs`);
    console.log(`node ${process.version}, nats-server ${nc.info?.version ?? '?'} (file store, R1), PostgreSQL ${pgVersion}; Algolia = local stand-in over HTTP via algoliasearch v5`);
    console.log('raw = nats.js pull consume → ≤ 1000 writes per call (no order guard), 2 in flight → ack after the write');
    console.log('stale = vendors left with their create, not their later update (two batches in flight race without a guard)');
    console.log('app = search-sync in this process (JetStream transport → batch handler → IndexWriter → order guard + provider, ack after accepted)');
    console.log('');
    console.log(
      table(
        ['side', '>events/s', '>events per batch call', '>stale vendors per run', '>app/raw'],
        SIDES.map((side) => [
          side,
          range(summary[side].rate),
          summary[side].opsPerCall.toFixed(0),
          summary[side].stale.join(', '),
          side === 'app-local' ? fmtRatio(ratio('app-local', 'raw-local')) : side === 'app-algolia' ? fmtRatio(ratio('app-algolia', 'raw-algolia')) : '',
        ]),
      ),
    );
    console.log('');
    console.log(JSON.stringify({ bench: 'search-sync', n: N, repeats: REPEATS, sides: summary, ratios: { local: ratio('app-local', 'raw-local'), algolia: ratio('app-algolia', 'raw-algolia') } }));
    return 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
