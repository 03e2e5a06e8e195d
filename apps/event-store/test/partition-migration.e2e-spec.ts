import { DataSource } from 'typeorm';
import { TestDatabase } from '@app/testing';
import { CreateEvents1734000000000 } from '../src/store/migrations/1734000000000-create-events.js';
import { TextEventIds1764700000000 } from '../src/store/migrations/1764700000000-text-event-ids.js';
import { EventSummaries1764700001000 } from '../src/store/migrations/1764700001000-event-summaries.js';
import { KeysetFilterIndexes1764700002000 } from '../src/store/migrations/1764700002000-keyset-filter-indexes.js';
import { DailyRollup1764700003000 } from '../src/store/migrations/1764700003000-daily-rollup.js';
import { TimePartitions1764700004000 } from '../src/store/migrations/1764700004000-time-partitions.js';
import { MigratedDatabase } from './migrated-database.js';

const BEFORE = [CreateEvents1734000000000, TextEventIds1764700000000, EventSummaries1764700001000, KeysetFilterIndexes1764700002000, DailyRollup1764700003000];

/** Everything the conversion must keep: the rows of both tables and the summaries. */
const SNAPSHOT = `SELECT (SELECT json_agg(e ORDER BY id) FROM events e) AS events,
  (SELECT json_agg(json_build_object('id', a.id, 'time', a.time, 'data', a.data) ORDER BY id) FROM events_archive a) AS archive,
  (SELECT json_agg(r ORDER BY hour, type, level, source) FROM event_rollup r) AS hourly,
  (SELECT json_agg(d ORDER BY day, type, level, source) FROM event_rollup_daily d) AS daily,
  (SELECT json_agg(t ORDER BY type) FROM event_types t) AS types`;

describe('TimePartitions1764700004000 on a table with rows (real PostgreSQL)', () => {
  let db: TestDatabase;
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await TestDatabase.create('event_store_partition_migration');
    migrated = new MigratedDatabase(db.url);
  });

  afterAll(async () => {
    await migrated?.destroy();
    await db?.drop();
  });

  /** A DataSource that knows `migrations`, with every one of them applied. */
  const migrateTo = async (migrations: Parameters<MigratedDatabase['migrateTo']>[0]) => {
    ds = await migrated.migrateTo(migrations);
  };
  const one = async (sql: string) => (await ds.query(sql))[0] as Record<string, unknown>;

  it('converts events and the archive into weekly partitions keeping every row, the summaries and the id dedup; down and up again keep them too', async () => {
    await migrateTo(BEFORE);
    await ds.query(`INSERT INTO events (id, type, source, level, time, data)
      SELECT CASE WHEN g % 2 = 0 THEN 'ord-' || g ELSE gen_random_uuid()::text END, 'mig.t' || g % 3, 's', CASE WHEN g % 5 = 0 THEN 'error' ELSE 'info' END,
             now() - g * interval '1 hour', jsonb_build_object('g', g)
        FROM generate_series(1, 200) AS g`);
    await ds.query(`INSERT INTO events_archive (id, type, source, level, time, data)
      SELECT 'old-' || g, 'mig.old', 's', 'info', now() - interval '40 days' - g * interval '1 hour', '{}' FROM generate_series(1, 30) AS g`);
    const before = await one(SNAPSHOT);

    await migrateTo([...BEFORE, TimePartitions1764700004000]);
    expect(await one(SNAPSHOT)).toEqual(before);
    // 200 hours back from now: 2 or 3 UTC weeks, each its own partition, nothing left in the default one.
    const weeks = Number((await one(`SELECT count(*) AS n FROM event_partition_days('events')`)).n);
    expect(weeks).toBeGreaterThanOrEqual(2);
    expect(weeks).toBeLessThanOrEqual(3);
    expect(await one(`SELECT count(*)::int AS n FROM events_default`)).toEqual({ n: 0 });
    expect(await one(`SELECT count(*)::int AS n FROM event_ids`)).toEqual({ n: 230 });
    // The dedup holds for a converted row: claiming its id again claims nothing.
    const { id } = await one(`SELECT id FROM events ORDER BY time DESC LIMIT 1`);
    expect(await ds.query(`INSERT INTO event_ids (id, time) VALUES ($1, now()) ON CONFLICT (id) DO NOTHING RETURNING id`, [id])).toEqual([]);

    await ds.undoLastMigration();
    expect(await one(SNAPSHOT)).toEqual(before);
    expect(await one(`SELECT to_regclass('event_ids') AS t`)).toEqual({ t: null });
    await migrateTo([...BEFORE, TimePartitions1764700004000]);
    expect(await one(SNAPSHOT)).toEqual(before);
  });
});
