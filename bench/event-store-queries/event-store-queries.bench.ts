/**
 * Query latency of the event-store API on a large history.
 *
 *   npm run bench:event-store-queries -- --rows 1000000 [--samples 30] [--deadline 1800] [--fresh] [--explain] [--only stats]
 *
 * Fills its own database, `mesh_bench_event_store_queries` (kept between runs: a run with the same
 * --rows reuses the fill; --fresh refills), then starts the event-store app in this process (a
 * private nats-server for its consumer) and times every query of the API through HTTP.
 *
 * The fill: the app's migrations make the schema; then the secondary indexes are dropped, the
 * daily partitions of the 60 days created and the summary triggers disabled, rows go in with
 * `INSERT … SELECT FROM generate_series` in chunks of 250,000, `event_ids` is filled from them in
 * one statement, the indexes are built again from their own definitions (on every partition), `rebuild_event_summaries()`
 * fills the summaries (the upgrade command's path), and VACUUM ANALYZE. The data resembles a real
 * mesh: 60 types (20 resource types × created/updated/failed), 50,000 resources, 10 sources, 2 %
 * errors, 60 days back from now, ~430-byte data, 5,000 actors on 70 % of the events, 4 audiences,
 * a correlation id shared by ~4 events; ids are UUIDs, and one in ten an `ord-<n>` string.
 *
 * Each query runs `--samples` times (after 3 warm-ups) with parameters drawn at random (another
 * actor, resource, window each time); p50 and p95 in ms are printed, then one JSON line. The whole
 * run stops at `--deadline` seconds (what is measured by then is printed). --explain prints
 * EXPLAIN (ANALYZE, BUFFERS) of the SQL the app ran for one sample of each query. --only keeps the
 * queries whose name contains that text (`--only stats`), to measure one change on its own.
 */
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { connectEventConsumer } from '@app/events';
import { NatsServerHarness } from '@app/testing';
import { AppModule } from '../../apps/event-store/src/app.module.js';
import { configureApp } from '../../apps/event-store/src/configure-app.js';
import { RETENTION_CONFIG, retentionConfigFromEnv } from '../../apps/event-store/src/retention/event-store-env.js';
import { fmtInt, table } from '../support/format.js';

// ---------------------------------------------------------------- options

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : (process.argv[i + 1] ?? '');
}
function intOption(name: string, fallback: number, min: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

const ROWS = intOption('rows', 1_000_000, 1_000);
const SAMPLES = intOption('samples', 30, 1);
const DEADLINE_S = intOption('deadline', 1_800, 10);
const FRESH = process.argv.includes('--fresh');
const EXPLAIN = process.argv.includes('--explain');
const ONLY = option('only');
const WARMUP = 3;
const CHUNK = 250_000;
const DATABASE = 'mesh_bench_event_store_queries';
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DAYS = 60;
const RESOURCES = 50_000;
const ACTORS = 5_000;

const started = Date.now();
const deadline = started + DEADLINE_S * 1000;
const log = (message: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

const databaseUrl = (name: string) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

// ---------------------------------------------------------------- fill

/** One chunk of rows `lo`..`hi` (generate_series); every value derived from the row number, times random over 60 days. */
const FILL_SQL = `
INSERT INTO events (id, stream_seq, type, source, subject, resource_type, resource_id, level, audience, actor,
                    correlation_id, causation_id, dataschema, time, received_at, data, extensions)
SELECT CASE WHEN g % 10 = 0 THEN 'ord-' || g ELSE gen_random_uuid()::text END,
       g,
       'res' || (g % 20) || '.' || (ARRAY['created', 'updated', 'failed'])[1 + (g / 20) % 3],
       'service-' || (g % 10),
       NULL,
       'res' || (g % 20),
       'r-' || ((g * 7919) % ${RESOURCES}),
       CASE WHEN g % 50 = 0 THEN 'error' WHEN g % 17 = 0 THEN 'warn' WHEN g % 23 = 0 THEN 'debug' ELSE 'info' END,
       (ARRAY['public', 'internal', 'ops', 'partner'])[1 + g % 4],
       CASE WHEN g % 10 < 7 THEN 'user-' || ((g * 31) % ${ACTORS}) END,
       'corr-' || (g / 4),
       NULL,
       NULL,
       t.time,
       t.time + interval '5 milliseconds',
       jsonb_build_object('n', g, 'name', 'item ' || md5(g::text), 'status', 'ok', 'note', repeat(md5((g * 3)::text), 9)),
       '{}'::jsonb
  FROM generate_series($1::bigint, $2::bigint) AS g
  -- Referencing g makes the subquery run per row (uncorrelated, random() would be drawn once).
  CROSS JOIN LATERAL (SELECT now() - random() * interval '${DAYS} days' + (g * 0) * interval '1 second' AS time) t`;

async function prepareDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 1;
    let reuse = false;
    if (exists && !FRESH) {
      const db = new pg.Client({ connectionString: databaseUrl(DATABASE) });
      await db.connect();
      try {
        const marker = await db.query(`SELECT rows FROM bench_fill`).catch(() => undefined);
        reuse = Number(marker?.rows[0]?.rows) === ROWS;
      } finally {
        await db.end();
      }
    }
    if (reuse) {
      log(`reusing ${DATABASE} (${fmtInt(ROWS)} rows); --fresh refills it`);
      return 'reused';
    }
    if (exists) await admin.query(`DROP DATABASE ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    return 'created';
  } finally {
    await admin.end();
  }
}

async function fill(): Promise<number> {
  const fillStarted = Date.now();
  const db = new pg.Client({ connectionString: databaseUrl(DATABASE) });
  await db.connect();
  try {
    await db.query(`SET maintenance_work_mem = '512MB'`);
    const indexes = (
      await db.query<{ name: string; def: string }>(
        `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'events' AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      )
    ).rows;
    for (const index of indexes) await db.query(`DROP INDEX ${index.name}`);
    // The daily partitions of the 60 days (as the app would have created them day by day).
    await db.query(`SELECT ensure_event_partition(d::date) FROM generate_series((now() AT TIME ZONE 'UTC')::date - ${DAYS + 1}, (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d`);
    await db.query('ALTER TABLE events DISABLE TRIGGER USER');
    for (let lo = 1; lo <= ROWS; lo += CHUNK) {
      if (Date.now() > deadline) throw new Error(`deadline reached while filling (${fmtInt(lo - 1)} of ${fmtInt(ROWS)} rows)`);
      const hi = Math.min(ROWS, lo + CHUNK - 1);
      await db.query(FILL_SQL, [lo, hi]);
      log(`filled ${fmtInt(hi)} / ${fmtInt(ROWS)} rows`);
    }
    await db.query('ALTER TABLE events ENABLE TRIGGER USER');
    // The writer claims each id in `event_ids` in its statement; the fill does it once, after.
    await db.query(`INSERT INTO event_ids (id, time) SELECT id, time FROM events`);
    log('event_ids filled');
    for (const index of indexes) {
      // A partitioned index reads `ON ONLY events` (the parent alone, left invalid): build it on every partition.
      await db.query(index.def.replace(' ON ONLY ', ' ON '));
      log(`index ${index.name} built`);
    }
    const summaries = (await db.query(`SELECT * FROM rebuild_event_summaries()`)).rows[0];
    log(`summaries rebuilt: ${summaries.buckets} hour buckets, ${summaries.types} types`);
    await db.query('VACUUM ANALYZE events');
    await db.query('VACUUM ANALYZE event_ids');
    for (const summary of ['event_rollup', 'event_rollup_daily', 'event_totals_hourly', 'event_totals_daily', 'event_type_daily', 'event_source_level_daily', 'event_types']) {
      await db.query(`VACUUM ANALYZE ${summary}`);
    }
    await db.query(`CREATE TABLE bench_fill AS SELECT ${ROWS}::bigint AS rows, now() AS filled_at`);
    return Date.now() - fillStarted;
  } finally {
    await db.end();
  }
}

// ---------------------------------------------------------------- queries

interface Sample {
  path: string;
}
interface QuerySpec {
  name: string;
  /** The issue's row this query belongs to. */
  group: string;
  next(): Sample | Promise<Sample>;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];
const int = (n: number) => Math.floor(Math.random() * n);
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;

function querySpecs(base: string, sampleIds: string[]): QuerySpec[] {
  const now = Date.now();
  const type = () => `res${int(20)}.${pick(['created', 'updated', 'failed'])}`;
  const ragged = (days: number) => {
    const from = now - int(DAYS - days) * DAY - days * DAY - int(3_600_000);
    return `from=${iso(from)}&to=${iso(from + days * DAY + int(3_600_000))}`;
  };
  let cursor: string | undefined;
  return [
    { name: 'newest page', group: 'newest page', next: () => ({ path: '/events?limit=100' }) },
    { name: 'type=', group: 'type', next: () => ({ path: `/events?type=${type()}` }) },
    { name: 'type=<resource>.*', group: 'type', next: () => ({ path: `/events?type=${encodeURIComponent(`res${int(20)}.*`)}` }) },
    { name: 'type=*.failed', group: 'type', next: () => ({ path: `/events?type=${encodeURIComponent('*.failed')}` }) },
    { name: 'level=error', group: 'level', next: () => ({ path: '/events?level=error' }) },
    { name: 'level=warn,error', group: 'level', next: () => ({ path: '/events?level=warn,error' }) },
    { name: 'from/to (1 day)', group: 'from/to', next: () => ({ path: `/events?${ragged(1)}` }) },
    {
      name: 'cursor (page 2)',
      group: 'cursor',
      next: async () => {
        if (!cursor) cursor = ((await (await fetch(`${base}/events?limit=100`)).json()) as { nextCursor: string }).nextCursor;
        return { path: `/events?limit=100&cursor=${cursor}` };
      },
    },
    { name: 'audience=', group: 'audience', next: () => ({ path: `/events?audience=${pick(['public', 'internal', 'ops', 'partner'])}` }) },
    { name: 'actor=', group: 'actor', next: () => ({ path: `/events?actor=user-${int(ACTORS)}` }) },
    { name: 'correlationId=', group: 'correlationId', next: () => ({ path: `/events?correlationId=corr-${int(ROWS / 4)}` }) },
    // In the fill an error's source is always service-0: nine draws in ten match nothing, the worst
    // case of two filters without a composite index (every row of the source is looked at).
    { name: 'source= & level=error (mostly no match)', group: 'level', next: () => ({ path: `/events?source=service-${int(10)}&level=error` }) },
    { name: 'timeline', group: 'timeline', next: () => ({ path: `/events/timeline?resourceType=res${int(20)}&resourceId=r-${int(RESOURCES)}` }) },
    {
      name: 'timeline includeRelated',
      group: 'timeline includeRelated',
      next: () => ({ path: `/events/timeline?resourceType=res${int(20)}&resourceId=r-${int(RESOURCES)}&includeRelated=true` }),
    },
    { name: ':id', group: ':id', next: () => ({ path: `/events/${encodeURIComponent(pick(sampleIds))}` }) },
    { name: 'stats groupBy=type (all)', group: 'stats type', next: () => ({ path: '/events/stats?groupBy=type' }) },
    { name: 'stats groupBy=type (7 days, ragged)', group: 'stats type', next: () => ({ path: `/events/stats?groupBy=type&${ragged(7)}` }) },
    { name: 'stats groupBy=level (all)', group: 'stats level/source', next: () => ({ path: '/events/stats?groupBy=level' }) },
    { name: 'stats groupBy=source (7 days)', group: 'stats level/source', next: () => ({ path: `/events/stats?groupBy=source&${ragged(7)}` }) },
    { name: 'stats groupBy=hour (all)', group: 'stats hour/day', next: () => ({ path: '/events/stats?groupBy=hour' }) },
    { name: 'stats groupBy=hour (1 day, ragged)', group: 'stats hour/day', next: () => ({ path: `/events/stats?groupBy=hour&${ragged(1)}` }) },
    { name: 'stats groupBy=day (all)', group: 'stats hour/day', next: () => ({ path: '/events/stats?groupBy=day' }) },
    { name: 'stats groupBy=day (30 days, ragged)', group: 'stats hour/day', next: () => ({ path: `/events/stats?groupBy=day&${ragged(30)}` }) },
    { name: 'schemas', group: 'schemas', next: () => ({ path: '/events/schemas' }) },
  ];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface Result {
  name: string;
  group: string;
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

async function measure(base: string, spec: QuerySpec): Promise<Result | undefined> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    if (Date.now() > deadline) break;
    const { path } = await spec.next();
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`);
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${spec.name}: GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
    if (i >= WARMUP) times.push(ms);
  }
  if (times.length === 0) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  return { name: spec.name, group: spec.group, samples: times.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] };
}

/** The SQL statements the app ran for one request, through its DataSource, to EXPLAIN them. */
async function explainOne(base: string, dataSource: DataSource, spec: QuerySpec): Promise<string> {
  const seen: { sql: string; params: unknown[] }[] = [];
  const original = dataSource.query.bind(dataSource);
  dataSource.query = (async (sql: string, params?: unknown[], ...rest: unknown[]) => {
    seen.push({ sql, params: params ?? [] });
    return (original as (...a: unknown[]) => Promise<unknown>)(sql, params, ...rest);
  }) as DataSource['query'];
  const { path } = await spec.next();
  try {
    await (await fetch(`${base}${path}`)).text();
  } finally {
    dataSource.query = original;
  }
  const out: string[] = [`### ${spec.name}: GET ${path}`];
  for (const { sql, params } of seen) {
    if (/^\s*(START|BEGIN|COMMIT|ROLLBACK|SET)/i.test(sql)) continue;
    const plan = (await original(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params)) as { 'QUERY PLAN': string }[];
    out.push(plan.map((r) => r['QUERY PLAN']).join('\n'));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  log(`rows ${fmtInt(ROWS)}, ${SAMPLES} samples per query, deadline ${DEADLINE_S} s`);
  const state = await prepareDatabase();
  const nats = await NatsServerHarness.start();
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    // The app's start-up runs the migrations, so the schema is the app's own.
    app = await startApp(nats.url);
    let fillMs: number | undefined;
    if (state === 'created') {
      // The app's writer is idle (nothing published): safe to fill under it.
      fillMs = await fill();
      log(`filled in ${(fillMs / 1000).toFixed(0)} s`);
    }
    const size = await app.dataSource.query(
      // Summed over the partitions: a partitioned table itself has no storage.
      `SELECT pg_size_pretty(sum(pg_table_size(relid))) AS t, pg_size_pretty(sum(pg_indexes_size(relid))) AS i, (SELECT count(*) FROM event_rollup)::int AS buckets
         FROM pg_partition_tree('events')`,
    );
    log(`events: ${size[0].t} table + ${size[0].i} indexes; event_rollup: ${fmtInt(size[0].buckets)} rows`);
    const ids = (await app.dataSource.query(`SELECT id FROM events TABLESAMPLE SYSTEM (1) LIMIT 500`)) as { id: string }[];
    const specs = querySpecs(app.url, ids.map((r) => r.id)).filter((spec) => ONLY === undefined || spec.name.includes(ONLY));
    if (specs.length === 0) throw new Error(`--only ${JSON.stringify(ONLY)} matches no query`);
    const results: Result[] = [];
    for (const spec of specs) {
      const r = await measure(app.url, spec);
      if (!r) {
        log(`deadline reached: ${spec.name} and the queries after it not measured`);
        break;
      }
      results.push(r);
      log(`${spec.name}: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms`);
    }
    const fmt = (ms: number) => (ms < 10 ? ms.toFixed(1) : fmtInt(ms));
    console.log(`\nevent-store queries through the API, ${fmtInt(ROWS)} events (${size[0].t} table + ${size[0].i} indexes), ${SAMPLES} samples each, ms`);
    console.log(table(['query', 'issue row', '>p50', '>p95', '>max', 'p95 ≤ 50'], results.map((r) => [r.name, r.group, fmt(r.p50), fmt(r.p95), fmt(r.max), r.p95 <= 50 ? 'yes' : 'NO'])));
    if (EXPLAIN) {
      console.log('\nEXPLAIN (ANALYZE, BUFFERS) of the SQL behind one sample of each query:\n');
      for (const spec of specs) console.log(`${await explainOne(app.url, app.dataSource, spec)}\n`);
    }
    console.log(JSON.stringify({ bench: 'event-store-queries', rows: ROWS, fillMs, samples: SAMPLES, results }));
  } finally {
    await app?.close();
    await nats.close();
  }
}

async function startApp(natsUrl: string) {
  // Retention off: the fill spans 60 days, and a run 10 s after start-up would archive half of it.
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot({ natsServers: [natsUrl], databaseUrl: databaseUrl(DATABASE) })] })
    .overrideProvider(RETENTION_CONFIG)
    .useValue({ ...retentionConfigFromEnv(), days: 0 })
    .compile();
  const app = configureApp(ref.createNestApplication({ logger: ['error', 'warn'] }));
  await connectEventConsumer(app);
  await app.listen(0, '127.0.0.1');
  return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), dataSource: app.get(DataSource), close: () => app.close() };
}

Logger.overrideLogger(['error', 'warn']);
main().catch((err: Error) => {
  console.error(`bench failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
