import { DataSource } from 'typeorm';
import { TestDatabase } from '@app/testing';
import { CreateEvents1734000000000 } from '../src/store/migrations/1734000000000-create-events.js';
import { TextEventIds1764700000000 } from '../src/store/migrations/1764700000000-text-event-ids.js';
import { EventSummaries1764700001000 } from '../src/store/migrations/1764700001000-event-summaries.js';
import { KeysetFilterIndexes1764700002000 } from '../src/store/migrations/1764700002000-keyset-filter-indexes.js';
import { DailyRollup1764700003000 } from '../src/store/migrations/1764700003000-daily-rollup.js';
import { TimePartitions1764700004000 } from '../src/store/migrations/1764700004000-time-partitions.js';
import { CoveringTimeIndex1764700005000 } from '../src/store/migrations/1764700005000-covering-time-index.js';
import { OrderedSummaryRebuild1764700006000 } from '../src/store/migrations/1764700006000-ordered-summary-rebuild.js';
import { SpanSummaries1765000200000 } from '../src/store/migrations/1765000200000-span-summaries.js';
import { SPAN_TABLES, spanSql } from './span-summaries.js';
import { MigratedDatabase } from './migrated-database.js';

const BEFORE = [
  CreateEvents1734000000000,
  TextEventIds1764700000000,
  EventSummaries1764700001000,
  KeysetFilterIndexes1764700002000,
  DailyRollup1764700003000,
  TimePartitions1764700004000,
  CoveringTimeIndex1764700005000,
  OrderedSummaryRebuild1764700006000,
];

/** The summaries of before this migration, against `events`. */
const ROLLUP = `SELECT hour, type, level, source, count::int, first_time, last_time FROM event_rollup ORDER BY 1, 2, 3, 4`;
const TRUE_ROLLUP = `SELECT date_trunc('hour', time, 'UTC') AS hour, type, level, source, count(*)::int AS count, min(time) AS first_time, max(time) AS last_time
  FROM events GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
const TYPES = `SELECT type, count::int, first_seen, last_seen FROM event_types ORDER BY type`;
const TRUE_TYPES = `SELECT type, count(*)::int AS count, min(time) AS first_seen, max(time) AS last_seen FROM events GROUP BY type ORDER BY type`;
const ERRORS = `SELECT type, errors::int FROM event_types ORDER BY type`;
const TRUE_ERRORS = `SELECT type, (count(*) FILTER (WHERE level = 'error'))::int AS errors FROM events GROUP BY type ORDER BY type`;

describe('SpanSummaries1765000200000 on a table with rows (real PostgreSQL)', () => {
  let db: TestDatabase;
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await TestDatabase.create('event_store_span_migration');
    migrated = new MigratedDatabase(db.url);
  });

  afterAll(async () => {
    await migrated?.destroy();
    await db?.drop();
  });

  const migrateTo = async (migrations: Parameters<MigratedDatabase['migrateTo']>[0]) => {
    ds = await migrated.migrateTo(migrations);
  };
  const rows = (sql: string) => ds.query(sql) as Promise<unknown[]>;
  /** `n` events from `hoursAgo` back, 37 minutes apart (hours and UTC days crossed), errors among them; their ids claimed as the writer does. */
  const insert = (tag: string, n: number, hoursAgo: number) =>
    ds.query(
      `WITH r AS (SELECT $1 || '-' || g AS id, now() - make_interval(hours => $3) - g * interval '37 minutes' AS time, g FROM generate_series(1, $2::int) AS g),
       claim AS (INSERT INTO event_ids (id, time) SELECT id, time FROM r)
       INSERT INTO events (id, type, source, level, time, data)
       SELECT id, 'span.t' || g % 4, 'svc-' || g % 3, (ARRAY['info', 'warn', 'error', 'debug'])[1 + g % 4], time, '{}' FROM r`,
      [tag, n, hoursAgo],
    );
  const expectExact = async (span: boolean) => {
    expect(await rows(ROLLUP)).toEqual(await rows(TRUE_ROLLUP));
    expect(await rows(TYPES)).toEqual(await rows(TRUE_TYPES));
    if (!span) return;
    expect(await rows(ERRORS)).toEqual(await rows(TRUE_ERRORS));
    for (const table of SPAN_TABLES) {
      const { stored, truth } = spanSql(table);
      expect({ table: table.table, rows: await rows(stored) }).toEqual({ table: table.table, rows: await rows(truth) });
    }
  };

  it('fills the new tables from the existing history, keeps them through inserts and deletes, and goes down and up again exactly', async () => {
    await migrateTo(BEFORE);
    await insert('old', 150, 0);
    await expectExact(false);

    await migrateTo([...BEFORE, SpanSummaries1765000200000]);
    const [{ n }] = (await rows(`SELECT count(*)::int AS n FROM event_totals_hourly`)) as { n: number }[];
    expect(n).toBeGreaterThan(50);
    await expectExact(true);
    await insert('new', 80, 30);
    await ds.query(`DELETE FROM events WHERE id LIKE 'old-1%'`);
    await expectExact(true);

    await ds.undoLastMigration();
    for (const { table } of SPAN_TABLES) expect(await rows(`SELECT to_regclass('${table}') AS t`)).toEqual([{ t: null }]);
    // The earlier trigger functions are back and keep the earlier summaries.
    await insert('down', 40, 60);
    await ds.query(`DELETE FROM events WHERE id LIKE 'new-2%'`);
    await expectExact(false);

    await migrateTo([...BEFORE, SpanSummaries1765000200000]);
    await expectExact(true);
  });
});
