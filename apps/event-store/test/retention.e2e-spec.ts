import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { RetentionService } from '../src/retention/retention.service.js';
import { retentionConfigFromEnv, type RetentionConfig } from '../src/retention/event-store-env.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

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

  /** Inserts `n` events with `time` = now − `ageDays` (and every column filled), tagged with `tag`. */
  async function insertAged(tag: string, ageDays: number, n = 1): Promise<void> {
    await db.query(
      `INSERT INTO events (id, stream_seq, type, source, subject, resource_type, resource_id, level, audience, actor,
                           correlation_id, causation_id, dataschema, time, received_at, data, extensions, resolved, resolved_at, resolved_by)
       SELECT gen_random_uuid(), g, 'retention.tested', 'spec', 's' || g, 'thing', 't' || g, 'error', 'ops', 'user:1',
              $1, 'cause', 'mesh:schema:retention.tested:v1', now() - make_interval(days => $2::int) - g * interval '1 second',
              now() - make_interval(days => $2::int), jsonb_build_object('n', g, 'tag', $1::text), '{"traceparent":"00-x"}',
              true, now(), 'admin'
         FROM generate_series(1, $3::int) AS g`,
      [tag, ageDays, n],
    );
  }
  const count = async (table: 'events' | 'events_archive', tag: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE correlation_id = $1`, [tag])).rows[0].n;

  it('moves only the events older than EVENT_RETENTION_DAYS (default 30) to events_archive, with every column', async () => {
    expect(retention.config.days).toBe(30);
    await insertAged('old', 45, 3);
    await insertAged('just-old', 31);
    await insertAged('young', 29, 2);
    await insertAged('fresh', 0, 2);
    const before = (await db.query(`SELECT * FROM events WHERE correlation_id IN ('old', 'just-old') ORDER BY id`)).rows;

    expect(await retention.runOnce()).toBe(4);

    expect(await count('events', 'old')).toBe(0);
    expect(await count('events', 'just-old')).toBe(0);
    expect(await count('events', 'young')).toBe(2);
    expect(await count('events', 'fresh')).toBe(2);
    const archived = (await db.query(`SELECT * FROM events_archive ORDER BY id`)).rows;
    expect(archived.map(({ archived_at: _a, ...row }) => row)).toEqual(before);
    for (const row of archived) expect(row.archived_at).toBeInstanceOf(Date);

    expect(await retention.runOnce()).toBe(0); // nothing left to move
  });

  it('moves a large backlog in bounded batches until none remains, and tolerates an id archived before', async () => {
    await insertAged('backlog', 60, 12_001);
    await insertAged('young', 1, 5);
    // An old event archived earlier and stored again (replayed into the store): still moved, once.
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM events WHERE correlation_id = 'backlog' LIMIT 1`);
    await db.query(`INSERT INTO events_archive SELECT *, now() FROM events WHERE id = $1`, [rows[0].id]);

    const query = jest.spyOn(dataSource, 'query');
    try {
      expect(await retention.runOnce()).toBe(12_001);
      const batches = query.mock.calls.filter(([sql]) => sql.includes('DELETE FROM events'));
      expect(batches).toHaveLength(3); // 5,000 + 5,000 + 2,001 rows, one transaction each
      for (const [, params] of batches) expect(params).toEqual([30, 5_000]);
    } finally {
      query.mockRestore();
    }
    expect(await count('events', 'backlog')).toBe(0);
    expect(await count('events_archive', 'backlog')).toBe(12_001);
    expect(await count('events', 'young')).toBe(5);
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
