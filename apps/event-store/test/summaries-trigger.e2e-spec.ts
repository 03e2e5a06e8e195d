import pg from 'pg';
import { DataSource } from 'typeorm';
import { TestDatabase } from '@app/testing';
import { EVENT_STORE_MIGRATIONS } from '../src/store/migrations/index.js';
import { SummariesAggregateOnce1765001000000 } from '../src/store/migrations/1765001000000-summaries-aggregate-once.js';
import { MigratedDatabase } from './migrated-database.js';

/** Up to the migration under test, so `undoLastMigration` undoes it whatever comes later. */
const MIGRATIONS = EVENT_STORE_MIGRATIONS.slice(0, EVENT_STORE_MIGRATIONS.indexOf(SummariesAggregateOnce1765001000000) + 1);

/** Every table the writer's trigger keeps, each row in key order, as text (bigint and timestamptz compare exactly). */
const TABLES = {
  event_rollup: 'hour, type, level, source',
  event_rollup_daily: 'day, type, level, source',
  event_totals_hourly: 'hour',
  event_totals_daily: 'day',
  event_type_daily: 'day, type',
  event_source_level_daily: 'day, source, level',
  event_types: 'type',
};

/**
 * One INSERT of `n` events from `start`, `step` apart: types, levels (errors among them) and sources
 * mixed, ten rows at each time, so a type's latest time holds two ids (the example is the greatest).
 */
const batch = (tag: string, n: number, start: string, step: string) => `
  INSERT INTO events (id, type, source, level, time)
  SELECT '${tag}-' || lpad((i * 7919 % 1000)::text, 4, '0') || '-' || i,
         'trig.' || (ARRAY['a', 'b', 'c', 'd', 'e'])[1 + i % 5],
         (ARRAY['one', 'two', 'three'])[1 + i % 3],
         (ARRAY['debug', 'info', 'warn', 'error'])[1 + i * 3 % 4],
         TIMESTAMPTZ '${start}' + (i / 10) * INTERVAL '${step}'
    FROM generate_series(1, ${n}) AS i`;

describe('the summaries trigger against rebuild_event_summaries() (real PostgreSQL)', () => {
  let db: TestDatabase;
  let migrated: MigratedDatabase;
  let pool: pg.Pool;
  let ds: DataSource;

  beforeAll(async () => {
    db = await TestDatabase.create('event_store_summaries_trigger');
    migrated = new MigratedDatabase(db.url);
    ds = await migrated.migrateTo(MIGRATIONS);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await migrated?.destroy();
    await db?.drop();
  });

  const snapshot = async () => {
    const all: Record<string, unknown[]> = {};
    for (const [table, key] of Object.entries(TABLES)) all[table] = (await pool.query(`SELECT t::text AS row FROM ${table} t ORDER BY ${key}`)).rows.map((r) => r.row);
    return all;
  };

  it('leaves every table as a rebuild from events would, batch after batch over shared and new buckets', async () => {
    // Mixed batches across hours and midnights, then ones landing in the same buckets (the upserts'
    // conflict path), one older than all (first times and the example must not move), one row alone.
    await pool.query(batch('a', 500, '2025-03-01T21:10:00Z', '97 seconds'));
    await pool.query(batch('b', 500, '2025-03-01T22:40:00Z', '53 seconds'));
    await pool.query(batch('c', 300, '2025-02-27T23:59:00Z', '1 second'));
    await pool.query(batch('d', 1, '2025-03-02T12:00:00Z', '1 second'));
    await pool.query(batch('e', 400, '2025-03-03T00:00:00Z', '7 minutes'));
    const byTrigger = await snapshot();
    for (const table of Object.keys(TABLES)) expect({ table, some: byTrigger[table].length > 1 }).toEqual({ table, some: true });
    const [{ errors }] = (await pool.query(`SELECT sum(errors)::int AS errors FROM event_totals_daily`)).rows;
    expect(errors).toBeGreaterThan(0);

    await pool.query('SELECT rebuild_event_summaries()');
    expect(await snapshot()).toEqual(byTrigger);
  });

  it('down() puts back the function that grouped per table, and it still agrees with the rebuild', async () => {
    const source = async () => (await pool.query(`SELECT prosrc FROM pg_proc WHERE proname = 'event_summaries_add'`)).rows[0].prosrc as string;
    expect(await source()).toContain('unnest(hours');
    await ds.undoLastMigration();
    expect(await source()).not.toContain('unnest(hours');
    expect(await source()).toContain('DISTINCT ON (type)');
    await pool.query(batch('f', 500, '2025-03-02T23:30:00Z', '11 seconds'));
    const byTrigger = await snapshot();
    await pool.query('SELECT rebuild_event_summaries()');
    expect(await snapshot()).toEqual(byTrigger);
  });
});
