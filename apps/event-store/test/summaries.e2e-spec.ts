import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { CloudEvent, createEnvelope, HEADER, replaySubject, STREAM_EVENTS, subjectForType } from '@app/events/internal';
import { NatsServerHarness, publishWithRetry, TestDatabase, waitFor } from '@app/testing';
import { RetentionService } from '../src/retention/retention.service.js';
import { retentionConfigFromEnv } from '../src/retention/event-store-env.js';
import { rebuildEventSummaries } from '../src/store/event-summaries.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';
import { SPAN_TABLES, spanSql } from './span-summaries.js';

const CONSUMER = 'event-store';
const TYPES = ['sum.vendor.created', 'sum.vendor.updated', 'sum.order.paid', 'sum.order.failed', 'sum.lead.sent', 'sum.lead.lost'];
const LEVELS = ['debug', 'info', 'info', 'info', 'warn', 'error'] as const;
const SOURCES = ['vendor-service', 'order-service', 'sms-notifier'];
const HOUR = 3_600_000;

/** What the summaries must say, computed from `events` itself. */
const TRUE_ROLLUP = `SELECT date_trunc('hour', time, 'UTC') AS hour, type, level, source, count(*)::int AS count,
    (count(*) FILTER (WHERE level = 'error'))::int AS errors, min(time) AS first_time, max(time) AS last_time
  FROM events GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
const ROLLUP = `SELECT hour, type, level, source, count::int, errors::int, first_time, last_time FROM event_rollup ORDER BY 1, 2, 3, 4`;
const TRUE_DAILY = TRUE_ROLLUP.replace("date_trunc('hour', time, 'UTC') AS hour", "date_trunc('day', time, 'UTC') AS day");
const DAILY = `SELECT day, type, level, source, count::int, errors::int, first_time, last_time FROM event_rollup_daily ORDER BY 1, 2, 3, 4`;
const TRUE_TYPES = `SELECT type, count(*)::int AS count, (count(*) FILTER (WHERE level = 'error'))::int AS errors, min(time) AS first_seen, max(time) AS last_seen,
    (SELECT e.id FROM events e WHERE e.type = o.type ORDER BY e.time DESC, e.id DESC LIMIT 1) AS example_id
  FROM events o GROUP BY type ORDER BY type`;
const TYPES_ROWS = `SELECT type, count::int, errors::int, first_seen, last_seen, example_id FROM event_types ORDER BY type`;

describe('event-store summaries: the hourly and daily rollups and the type catalogue stay exact (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let pool: pg.Pool;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_summaries');
    store = await startEventStore(storeTestConfig(nats, db, { maxDeliver: 1000 }));
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await waitFor(() => jsm.consumers.info(STREAM_EVENTS, CONSUMER).then(() => true), { message: 'the event-store durable was not created' });
  });

  afterAll(async () => {
    await nc?.close();
    await store?.close();
    await pool?.end();
    await nats?.close();
    await db?.drop();
  });

  const rows = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;
  const count = async (where = 'true') => (await rows(`SELECT count(*)::int AS n FROM events WHERE ${where}`))[0].n as number;
  /** Both summaries equal what `events` says, row for row (and are not trivially empty). */
  const expectExact = async (minBuckets = 1) => {
    const [rollup, truth] = [await rows(ROLLUP), await rows(TRUE_ROLLUP)];
    expect(truth.length).toBeGreaterThanOrEqual(minBuckets);
    expect(rollup).toEqual(truth);
    expect(await rows(DAILY)).toEqual(await rows(TRUE_DAILY));
    expect(await rows(TYPES_ROWS)).toEqual(await rows(TRUE_TYPES));
    for (const span of SPAN_TABLES) {
      const { stored, truth } = spanSql(span);
      expect({ table: span.table, rows: await rows(stored) }).toEqual({ table: span.table, rows: await rows(truth) });
    }
  };
  const consumerIdle = () =>
    waitFor(
      async () => {
        for (const [stream, durable] of [[STREAM_EVENTS, CONSUMER], ['EVENTS_REPLAY', `${CONSUMER}-replay`]]) {
          const info = await jsm.consumers.info(stream, durable);
          if (info.num_pending !== 0 || info.num_ack_pending !== 0) return false;
        }
        return true;
      },
      { timeoutMs: 60_000, message: 'the event-store consumers did not drain' },
    );
  const publishRaw = (event: CloudEvent, opts: { msgID?: string; replay?: boolean } = {}) => {
    const h = headers();
    h.set(HEADER.contentType, 'application/cloudevents+json');
    if (opts.replay) h.set(HEADER.replay, 'replay');
    const subject = opts.replay ? replaySubject(CONSUMER, event.type) : subjectForType(event.type);
    return publishWithRetry(js, subject, JSON.stringify(event), { msgID: opts.msgID ?? event.id, headers: h });
  };
  /** `n` events, 97 s apart from `start` (so hours, days and bucket edges are crossed), every type, level and source mixed. */
  const burst = (n: number, start: number, tag: string): CloudEvent[] =>
    Array.from({ length: n }, (_, i) => ({
      ...createEnvelope(TYPES[i % TYPES.length], { i, tag }, SOURCES[(i * 7) % SOURCES.length], { level: LEVELS[(i * 5) % LEVELS.length] }),
      time: new Date(start + i * 97_000 + (i % 3)).toISOString(),
    }));
  const publishAll = async (events: CloudEvent[], opts: (e: CloudEvent) => { msgID?: string; replay?: boolean } = () => ({})) => {
    for (let i = 0; i < events.length; i += 200) await Promise.all(events.slice(i, i + 200).map((e) => publishRaw(e, opts(e))));
  };

  it('counts each event once through bursts from two producers at once, redeliveries under new message ids, and replays', async () => {
    const start = Date.parse('2025-06-01T21:30:00Z');
    const first = burst(2_000, start, 'one');
    const second = burst(1_500, start + 45 * 60_000, 'two'); // the same hours as `first`: shared buckets, concurrent upserts
    await Promise.all([publishAll(first), publishAll(second)]);
    // Every third event again as another stream message, and every fifth replayed to the event-store.
    await publishAll(first.filter((_, i) => i % 3 === 0), (e) => ({ msgID: `again-${e.id}` }));
    await publishAll(second.filter((_, i) => i % 5 === 0), () => ({ replay: true }));
    await waitFor(async () => (await count(`type LIKE 'sum.%'`)) === 3_500, { timeoutMs: 60_000, message: 'the 3,500 events were not all stored' });
    await consumerIdle();

    await expectExact(100);
    const [{ total }] = await rows(`SELECT sum(count)::int AS total FROM event_rollup`);
    expect(total).toBe(3_500);
  });

  it('serves stats for whole-day, whole-hour, ragged, one-hour and open windows and every groupBy exactly as count(*) over events', async () => {
    const windows: [from?: string, to?: string][] = [
      [undefined, undefined],
      ['2025-06-02T00:00:00Z', '2025-06-03T00:00:00Z'],
      ['2025-06-01T22:17:31.250Z', '2025-06-02T13:41:07.900Z'],
      ['2025-06-01T22:17:31.250Z', '2025-06-03T13:41:07.900Z'],
      ['2025-06-02T05:10:00Z', '2025-06-02T05:50:00Z'],
      ['2025-06-02T05:10:00Z', '2025-06-02T06:20:00Z'],
      ['2025-06-02T09:30:00Z', undefined],
      [undefined, '2025-06-02T02:15:00Z'],
      ['2025-06-02T03:00:00Z', '2025-06-02T03:00:00Z'],
    ];
    const key = (k: string | Date) => (k instanceof Date ? k.toISOString() : k);
    for (const [from, to] of windows) {
      const cond = [from && `time >= '${from}'`, to && `time < '${to}'`].filter(Boolean).join(' AND ') || 'true';
      const byType = await rows(
        `SELECT type, count(*)::int AS count, (count(*) FILTER (WHERE level = 'error'))::int AS errors, min(time) AS f, max(time) AS l
           FROM events WHERE ${cond} GROUP BY type ORDER BY count(*) DESC, type`,
      );
      const keys = {
        type: 'type',
        level: 'level',
        source: 'source',
        hour: `date_trunc('hour', time, 'UTC')`,
        day: `date_trunc('day', time, 'UTC')`,
      };
      for (const [groupBy, expr] of Object.entries(keys)) {
        const query = new URLSearchParams({ groupBy, ...(from ? { from } : {}), ...(to ? { to } : {}) });
        const res = await request(store.url).get(`/events/stats?${query}`).expect(200);
        const groups = await rows(`SELECT ${expr} AS key, count(*)::int AS count FROM events WHERE ${cond} GROUP BY 1`);
        const expected = groups.map((g) => ({ key: key(g.key), count: g.count }));
        const sort = (list: { key: string; count: number }[]) => [...list].sort((a, b) => a.key.localeCompare(b.key));
        expect({ window: [from, to, groupBy], groups: sort(res.body.groups) }).toEqual({ window: [from, to, groupBy], groups: sort(expected) });
        expect(res.body.types).toEqual(
          byType.map((t) => ({ type: t.type, count: t.count, errors: t.errors, errorRate: t.errors / t.count, firstSeen: t.f.toISOString(), lastSeen: t.l.toISOString() })),
        );
        expect(res.body.total).toBe(byType.reduce((n, t) => n + t.count, 0));
      }
    }
  });

  it('follows retention: counts go down batch by batch, first/last and the example move on, emptied buckets and types go', async () => {
    // The history above is from 2025, all past retention: start again (TRUNCATE empties the summaries too).
    await pool.query('TRUNCATE events');
    expect(await rows(ROLLUP)).toEqual([]);
    expect(await rows(DAILY)).toEqual([]);
    expect(await rows(TYPES_ROWS)).toEqual([]);
    // Aged events, now − 44 days for 32 hours, one type only there (it must leave the catalogue), and young ones that stay.
    const now = Date.now();
    const aged = burst(1_200, now - 44 * 24 * HOUR, 'aged').concat(
      // 16 h of young events from 16:00 UTC three days ago: they always span a midnight, so every daily
      // table holds more than one day whatever the time the suite runs (from now − 2 days, a run before
      // 07:48 UTC put them all on one day).
      burst(600, Math.floor(now / (24 * HOUR)) * 24 * HOUR - 2 * 24 * HOUR - 8 * HOUR, 'young'),
      // An hour inside the 43-day cutoff, so a slow run (the cutoff moves with the clock) cannot take them early.
      Array.from({ length: 5 }, (_, i) => ({ ...createEnvelope('sum.gone.soon', { i }, 'old-service'), time: new Date(now - 43 * 24 * HOUR + HOUR + i * 1_000).toISOString() })),
    );
    const before = await count();
    await publishAll(aged);
    await waitFor(async () => (await count()) === before + aged.length, { timeoutMs: 60_000, message: 'the aged events were not all stored' });
    await consumerIdle();
    await expectExact();

    // The cutoff falls inside hour buckets (42.5 days), and small batches cut through many of them.
    const dataSource = store.app.get(DataSource);
    const retention = new RetentionService(dataSource, { ...retentionConfigFromEnv(), days: 0, batchSize: 97 });
    const cutoff = new Date(now - 42.5 * 24 * HOUR);
    const old = await count(`time < '${cutoff.toISOString()}'`);
    expect(old).toBeGreaterThan(300);
    await pool.query(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time < $1 ORDER BY time LIMIT 50)`, [cutoff]);
    await expectExact();
    // Retention itself (its days are whole): everything older than 43 days.
    const moved = await new RetentionService(dataSource, { ...retention.config, days: 43 }).runOnce();
    expect(moved).toBeGreaterThan(200);
    await expectExact();
    expect((await rows(`SELECT type FROM event_types WHERE type = 'sum.gone.soon'`)).length).toBe(1);
    expect(await new RetentionService(dataSource, { ...retention.config, days: 42 }).runOnce()).toBeGreaterThan(0);
    await expectExact();
    expect(await rows(`SELECT type FROM event_types WHERE type = 'sum.gone.soon'`)).toEqual([]);
    const schemas = await request(store.url).get('/events/schemas').expect(200);
    const listed = (schemas.body.types as { type: string; count: number; exampleId: string }[]).filter((t) => t.type.startsWith('sum.'));
    expect(listed.map((t) => ({ type: t.type, count: t.count, exampleId: t.exampleId }))).toEqual(
      (await rows(TRUE_TYPES)).filter((t) => t.type.startsWith('sum.')).map((t) => ({ type: t.type, count: t.count, exampleId: t.example_id })),
    );
  });

  it('rebuilds both from events with one call (the upgrade path)', async () => {
    await pool.query(`UPDATE event_rollup SET count = count + 5 WHERE type = 'sum.order.paid'`);
    await pool.query(`DELETE FROM event_rollup_daily WHERE type = 'sum.order.failed'`);
    await pool.query(`DELETE FROM event_types WHERE type = 'sum.lead.lost'`);
    await pool.query(`UPDATE event_types SET example_id = 'nope', count = 1 WHERE type = 'sum.vendor.created'`);
    await pool.query(`UPDATE event_totals_hourly SET errors = errors + 1`);
    await pool.query(`DELETE FROM event_type_daily WHERE type = 'sum.order.paid'`);
    await pool.query(`UPDATE event_source_level_daily SET count = count * 2`);
    await pool.query(`TRUNCATE event_totals_daily`);
    await expect(expectExact()).rejects.toThrow();
    expect(await count(`type LIKE 'sum.%'`)).toBe(600); // the young events retention left

    const rebuilt = await rebuildEventSummaries((sql, params) => pool.query(sql, params));
    expect(rebuilt).toEqual({ buckets: (await rows(TRUE_ROLLUP)).length, types: (await rows(TRUE_TYPES)).length });
    await expectExact(10);
    // Written in bucket order (as the writer does over time), so a window's rows sit on adjacent pages.
    for (const [table, bucket] of [['event_rollup', 'hour'], ['event_rollup_daily', 'day'], ...SPAN_TABLES.map((t) => [t.table, t.unit])]) {
      const stored = (await pool.query<{ b: Date }>(`SELECT ${bucket} AS b FROM ${table} ORDER BY ctid`)).rows.map((r) => r.b.getTime());
      expect(stored.length).toBeGreaterThan(1);
      expect(stored).toEqual([...stored].sort((a, b) => a - b));
    }
  });
});
