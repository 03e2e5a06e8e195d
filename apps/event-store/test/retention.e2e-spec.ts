import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { RetentionService } from '../src/retention/retention.service.js';
import { retentionConfigFromEnv, type RetentionConfig } from '../src/retention/event-store-env.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';
import { SPAN_TABLES, spanSql } from './span-summaries.js';

describe('event-store retention (real PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let retention: RetentionService;
  let dataSource: DataSource;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_retention');
    store = await startEventStore(storeTestConfig(nats, db), { retention: retentionConfigFromEnv() });
    retention = store.app.get(RetentionService);
    dataSource = store.app.get(DataSource);
  });

  afterAll(async () => {
    await store?.close();
    await nats?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    await db.query('TRUNCATE events, events_archive');
  });

  /**
   * Inserts `n` events at noon UTC `ageDays` days ago, a second apart (every column filled), tagged with
   * `tag`, their ids claimed as the writer does. Noon: a tag never straddles two daily partitions,
   * whatever the time of day the suite runs.
   */
  async function insertAged(tag: string, ageDays: number, n = 1, type = 'retention.tested'): Promise<void> {
    await db.query(
      `WITH r AS (
         SELECT gen_random_uuid()::text AS id, g, date_trunc('day', now(), 'UTC') + interval '12 hours' - make_interval(days => $2::int) - g * interval '1 second' AS time
           FROM generate_series(1, $3::int) AS g),
       claim AS (INSERT INTO event_ids (id, time) SELECT id, time FROM r)
       INSERT INTO events (id, stream_seq, type, source, subject, resource_type, resource_id, level, audience, actor,
                           correlation_id, causation_id, dataschema, time, received_at, data, extensions, resolved, resolved_at, resolved_by)
       SELECT id, g, $4, 'spec', 's' || g, 'thing', 't' || g, 'error', 'ops', 'user:1',
              $1, 'cause', 'mesh:schema:retention.tested:v1', time,
              now() - make_interval(days => $2::int), jsonb_build_object('n', g, 'tag', $1::text), '{"traceparent":"00-x"}',
              true, now(), 'admin'
         FROM r`,
      [tag, ageDays, n, type],
    );
  }
  const count = async (table: 'events' | 'events_archive' | 'events_default', tag: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE correlation_id = $1`, [tag])).rows[0].n;
  /** Gives every day the stored events fall on its partition (the app creates only the weeks around today). */
  const partitionTheirDays = () => db.query(`SELECT ensure_event_partition(d) FROM (SELECT DISTINCT (time AT TIME ZONE 'UTC')::date AS d FROM events) days`);
  const relation = async (name: string) =>
    (await db.query<{ oid: number; parent: string | null }>(
      `SELECT c.oid::int AS oid, (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid) AS parent FROM pg_class c WHERE c.relname = $1`,
      [name],
    )).rows[0];
  /** A table's indexes (oid order) with the partitioned index each one belongs to. */
  const indexesOf = async (oid: number) =>
    (await db.query<{ oid: number; parent: string | null }>(
      `SELECT x.indexrelid::int AS oid, (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = x.indexrelid) AS parent
         FROM pg_index x WHERE x.indrelid = $1 ORDER BY 1`,
      [oid],
    )).rows;
  const partitionNameOf = async (tag: string, table = 'events') =>
    (await db.query<{ t: string }>(`SELECT DISTINCT tableoid::regclass::text AS t FROM ${table} WHERE correlation_id = $1`, [tag])).rows.map((r) => r.t);
  /** The summaries equal what `events` holds, row for row. */
  const expectSummariesExact = async () => {
    const q = async (sql: string) => (await db.query(sql)).rows;
    expect(await q(`SELECT hour, type, level, source, count::int, first_time, last_time FROM event_rollup ORDER BY 1, 2, 3, 4`)).toEqual(
      await q(`SELECT date_trunc('hour', time, 'UTC') AS hour, type, level, source, count(*)::int AS count, min(time) AS first_time, max(time) AS last_time
               FROM events GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
    );
    expect(await q(`SELECT day, type, level, source, count::int FROM event_rollup_daily ORDER BY 1, 2, 3, 4`)).toEqual(
      await q(`SELECT date_trunc('day', time, 'UTC') AS day, type, level, source, count(*)::int AS count FROM events GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
    );
    expect(await q(`SELECT type, count::int, first_seen, last_seen, example_id FROM event_types ORDER BY type`)).toEqual(
      await q(`SELECT type, count(*)::int AS count, min(time) AS first_seen, max(time) AS last_seen,
                 (SELECT e.id FROM events e WHERE e.type = o.type ORDER BY e.time DESC, e.id DESC LIMIT 1) AS example_id
               FROM events o GROUP BY type ORDER BY type`),
    );
    for (const span of SPAN_TABLES) {
      const { stored, truth } = spanSql(span);
      expect({ table: span.table, rows: await q(stored) }).toEqual({ table: span.table, rows: await q(truth) });
    }
  };

  it('archives each whole week older than EVENT_RETENTION_DAYS (default 30) by moving its partition: the same table, every column, summaries exact', async () => {
    expect(retention.config.days).toBe(30);
    // 38 days old: its week ended at least 31 days ago, whatever the weekday today; 29 days: its week ends later than 30 days ago.
    await insertAged('old', 45, 3);
    await insertAged('just-old', 38);
    await insertAged('young', 29, 2);
    await insertAged('fresh', 0, 2);
    await partitionTheirDays();
    const [oldPartition] = await partitionNameOf('old');
    expect(oldPartition).toMatch(/^events_p\d{8}$/);
    const before = await relation(oldPartition);
    expect(before.parent).toBe('events');
    const indexesBefore = await indexesOf(before.oid);
    expect(indexesBefore.map((i) => i.parent)).toContain('events_time');
    const rows = (await db.query(`SELECT * FROM events WHERE correlation_id IN ('old', 'just-old') ORDER BY id`)).rows;
    await expectSummariesExact();

    expect(await retention.run()).toEqual({ archived: 4, partitions: 2, pruned: 0 });

    expect(await count('events', 'old')).toBe(0);
    expect(await count('events', 'just-old')).toBe(0);
    expect(await count('events', 'young')).toBe(2);
    expect(await count('events', 'fresh')).toBe(2);
    expect((await db.query(`SELECT * FROM events_archive ORDER BY id`)).rows).toEqual(rows);
    // Detached and attached, not copied: the archive's partition is the very table (same oid), so no dead rows are left behind.
    const archivedName = oldPartition.replace('events_p', 'events_archive_p');
    expect(await partitionNameOf('old', 'events_archive')).toEqual([archivedName]);
    expect(await relation(archivedName)).toEqual({ oid: before.oid, parent: 'events_archive' });
    expect(await relation(oldPartition)).toBeUndefined();
    // Its indexes moved with it, each now under the archive's same index: attaching built none
    // (events and events_archive have the same index definitions, the covering time index included).
    expect(await indexesOf(before.oid)).toEqual(indexesBefore.map((i) => ({ oid: i.oid, parent: i.parent!.replace(/^events_/, 'events_archive_') })));
    await expectSummariesExact();
    const archived = await request(store.url).get('/events').query({ archived: 'true', correlationId: 'old' }).expect(200);
    expect(archived.body.items).toHaveLength(3);
    const live = await request(store.url).get('/events').query({ correlationId: 'old' }).expect(200);
    expect(live.body.items).toEqual([]);

    expect(await retention.runOnce()).toBe(0); // nothing left to move
  });

  it('moves the old events of the default partition (no daily partition) in bounded batches until none remains, summaries exact', async () => {
    await insertAged('backlog', 59, 12_001);
    await insertAged('young', 1, 5);
    expect(await count('events_default', 'backlog')).toBe(12_001);

    const query = jest.spyOn(dataSource, 'query');
    try {
      expect(await retention.runOnce()).toBe(12_001);
      const batches = query.mock.calls.filter(([sql]) => sql.includes('archive_event_strays'));
      expect(batches).toHaveLength(3); // 5,000 + 5,000 + 2,001 rows, one transaction each
      for (const [, params] of batches) expect(params).toEqual([30, 5_000]);
    } finally {
      query.mockRestore();
    }
    expect(await count('events', 'backlog')).toBe(0);
    expect(await count('events_archive', 'backlog')).toBe(12_001);
    expect(await count('events', 'young')).toBe(5);
    await expectSummariesExact();
  });

  it('prunes archived days EVENT_ARCHIVE_DAYS after their retention, with their ids; 0 keeps the archive', async () => {
    await insertAged('ancient', 68, 2);
    await insertAged('old', 45, 2);
    await insertAged('young', 3);
    await partitionTheirDays();
    const ids = async (tag: string) =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_ids i JOIN events_archive a USING (id) WHERE a.correlation_id = $1`, [tag])).rows[0].n;
    const idsLeft = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_ids`)).rows[0].n;
    const config = (overrides: Partial<RetentionConfig>): RetentionConfig => ({ ...retention.config, ...overrides });

    expect(await new RetentionService(dataSource, config({ archiveDays: 0 })).run()).toEqual({ archived: 4, partitions: 2, pruned: 0 });
    expect(await count('events_archive', 'ancient')).toBe(2);
    expect(await ids('ancient')).toBe(2);

    // 30 + 30 days: the week of the 68-day-old events ended over 60 days ago and goes; the 45-day-old one stays.
    expect(await retention.run()).toEqual({ archived: 0, partitions: 0, pruned: 1 });
    expect(await count('events_archive', 'ancient')).toBe(0);
    expect(await count('events_archive', 'old')).toBe(2);
    expect(await ids('old')).toBe(2);
    expect(await idsLeft()).toBe(3); // old × 2 and young: the ancient ids went with their partition
    await expectSummariesExact();
  });

  it('runs a step again at once when PostgreSQL picks it as a deadlock victim (40P01): the week is archived in the same run, summaries exact', async () => {
    await insertAged('victim', 45, 3);
    await insertAged('young', 1);
    await partitionTheirDays();
    // A real deadlock, staged so that PostgreSQL must pick the retention step: `holder` pauses the
    // step (a rollup row it must delete) while `blocker`, which holds the type's catalogue row the
    // step updates next, starts waiting for the step's advisory lock. When `holder` lets go, the
    // step waits for `blocker` last and so is the one whose deadlock check (deadlock_timeout, 1 s)
    // finds the cycle; `blocker`'s check is set to a minute.
    const holder = new pg.Client({ connectionString: db.url });
    const blocker = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await blocker.connect();
    const waiting = (text: string) =>
      waitFor(
        async () =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE $1`,
              [`%${text}%`],
            )
          ).rows[0].n === 1,
        { timeoutMs: 30_000, message: `no session waited in ${text}` },
      );
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM event_rollup WHERE type = 'retention.tested' AND hour < now() - interval '40 days' FOR UPDATE`);
      await blocker.query('BEGIN');
      await blocker.query(`SET LOCAL deadlock_timeout = '60s'`);
      await blocker.query(`SELECT 1 FROM event_types WHERE type = 'retention.tested' FOR UPDATE`);

      const run = retention.run();
      await waiting('archive_event_partition');
      const blocked = blocker.query(`SELECT pg_advisory_xact_lock(hashtext('events partitions'))`);
      await waiting('pg_advisory_xact_lock');
      await holder.query('COMMIT');
      // The step is rolled back as the victim, so `blocker` gets the lock; its own transaction goes on.
      await blocked;
      await blocker.query('COMMIT');

      expect(await run).toEqual({ archived: 3, partitions: 1, pruned: 0 });
      expect(warn.mock.calls.filter(([message]) => String(message).includes('deadlock victim'))).toHaveLength(1);
    } finally {
      warn.mockRestore();
      await holder.end();
      await blocker.end();
    }
    expect(await count('events', 'victim')).toBe(0);
    expect(await count('events_archive', 'victim')).toBe(3);
    expect(await count('events', 'young')).toBe(1);
    await expectSummariesExact();
  });

  it('keeps audit.* events in audit_events when their archived week is dropped, until AUDIT_RETENTION_DAYS', async () => {
    await db.query('TRUNCATE audit_events');
    await insertAged('audited', 68, 2);
    await insertAged('plain', 68, 1);
    await db.query(`UPDATE events SET type = 'audit.subscription_deleted' WHERE correlation_id = 'audited'`);
    await partitionTheirDays();
    const kept = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE correlation_id = 'audited'`)).rows[0].n;

    // 30 + 30 days: the 68-day-old week is archived, then dropped; its two audit events stay, the ordinary one goes.
    expect(await retention.run()).toEqual({ archived: 3, partitions: 1, pruned: 1 });
    expect(await count('events_archive', 'audited')).toBe(0);
    expect(await count('events_archive', 'plain')).toBe(0);
    expect(await kept()).toBe(2);
    expect((await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE correlation_id = 'plain'`)).rows[0].n).toBe(0);
    // Every column came along.
    expect((await db.query(`SELECT type, actor, data->>'tag' AS tag FROM audit_events WHERE correlation_id = 'audited' LIMIT 1`)).rows[0]).toEqual({ type: 'audit.subscription_deleted', actor: 'user:1', tag: 'audited' });

    // A shorter audit retention drops them at the next run; 0 would keep them.
    const config = { ...retention.config, auditDays: 60 };
    await new RetentionService(dataSource, config).run();
    expect(await kept()).toBe(0);
  });

  it('reads the admin actions of every age through GET /events/audit, paging across the live, archived and kept tables', async () => {
    await db.query('TRUNCATE audit_events');
    const deleted = 'audit.subscription_deleted';
    await insertAged('audit-kept', 68, 2, deleted); // archived and then dropped: kept in audit_events
    await insertAged('audit-archived', 40, 2, deleted); // archived, not yet dropped
    await insertAged('audit-live', 1, 2, deleted);
    await insertAged('not-audit', 1, 1);
    await db.query(`UPDATE events SET actor = 'cli' WHERE correlation_id = 'audit-archived'`);
    await partitionTheirDays();
    await retention.run();
    expect(await count('events', 'audit-live')).toBe(2);
    expect(await count('events_archive', 'audit-archived')).toBe(2);
    expect((await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE correlation_id = 'audit-kept'`)).rows[0].n).toBe(2);

    // Pages of 3: newest first, across the three tables, no gap and no repeat.
    const seen: { tag: string; time: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await request(store.url).get('/events/audit').query({ limit: 3, ...(cursor ? { cursor } : {}) }).expect(200);
      seen.push(...(page.body.items as { correlationid: string; time: string }[]).map((e) => ({ tag: e.correlationid, time: e.time })));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.map((e) => e.tag)).toEqual(['audit-live', 'audit-live', 'audit-archived', 'audit-archived', 'audit-kept', 'audit-kept']);
    expect(seen.map((e) => e.time)).toEqual([...seen.map((e) => e.time)].sort().reverse());

    // Filters apply in every table; a bad one is a 400 naming it.
    const byCli = await request(store.url).get('/events/audit').query({ actor: 'cli' }).expect(200);
    expect(byCli.body.items.map((e: { correlationid: string }) => e.correlationid)).toEqual(['audit-archived', 'audit-archived']);
    const byAction = await request(store.url).get('/events/audit').query({ action: 'subscription_created' }).expect(200);
    expect(byAction.body.items).toEqual([]);
    const bad = await request(store.url).get('/events/audit').query({ action: 'Subscription Deleted' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('action must be an audit action');
  });

  it('honours another retention period, does nothing when disabled (0), and runs on its schedule until stopped', async () => {
    await insertAged('week-old', 8);
    await insertAged('days-old', 6);
    const config = (overrides: Partial<RetentionConfig>): RetentionConfig => ({ ...retention.config, ...overrides });

    const disabled = new RetentionService(dataSource, config({ days: 0 }));
    disabled.onApplicationBootstrap(); // schedules nothing
    expect(await disabled.runOnce()).toBe(0);
    expect(await count('events', 'week-old')).toBe(1);
    await disabled.onModuleDestroy();

    const weekly = new RetentionService(dataSource, config({ days: 7, startDelayMs: 20, intervalMs: 60_000 }));
    weekly.onApplicationBootstrap();
    try {
      await waitFor(async () => (await count('events_archive', 'week-old')) === 1, { message: 'the scheduled start-up run did not move the event' });
      expect(await count('events', 'days-old')).toBe(1);
    } finally {
      await weekly.onModuleDestroy();
    }
    // Stopped: an old event inserted now stays where it is.
    await insertAged('after-stop', 9);
    const stopped = new RetentionService(dataSource, config({ days: 7, startDelayMs: 20, intervalMs: 1_000 }));
    stopped.onApplicationBootstrap();
    await stopped.onModuleDestroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(await count('events', 'after-stop')).toBe(1);
  });
});
