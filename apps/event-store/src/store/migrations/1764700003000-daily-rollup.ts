import { MigrationInterface, QueryRunner } from 'typeorm';

/** The rows a statement inserted (`inserted`) or deleted (`removed`), per `unit` bucket × type × level × source. */
const buckets = (unit: 'hour' | 'day', rows: 'inserted' | 'removed') =>
  `(SELECT date_trunc('${unit}', time, 'UTC') AS bucket, type, level, source, count(*) AS n, min(time) AS lo, max(time) AS hi FROM ${rows} GROUP BY 1, 2, 3, 4)`;

const SAME = '(r.bucket, r.type, r.level, r.source) = (d.bucket, d.type, d.level, d.source)';

/** Adds a statement's inserted rows to one rollup table, in key order (no deadlock between two batches). */
const addTo = (table: string, key: string, unit: 'hour' | 'day') => `
  INSERT INTO ${table} AS r (${key}, type, level, source, count, first_time, last_time)
    SELECT bucket, type, level, source, n, lo, hi FROM ${buckets(unit, 'inserted')} d ORDER BY 1, 2, 3, 4
    ON CONFLICT (${key}, type, level, source) DO UPDATE SET count = r.count + EXCLUDED.count,
      first_time = least(r.first_time, EXCLUDED.first_time), last_time = greatest(r.last_time, EXCLUDED.last_time);`;

/** Takes a statement's deleted rows out of one rollup table; first/last looked up again where a removed row was one. */
const removeFrom = (table: string, key: string, unit: 'hour' | 'day') => `
  PERFORM 1 FROM ${table} r JOIN ${buckets(unit, 'removed')} d ON (r.${key}, r.type, r.level, r.source) = (d.bucket, d.type, d.level, d.source)
    ORDER BY r.${key}, r.type, r.level, r.source FOR UPDATE OF r;
  UPDATE ${table} r SET count = r.count - d.n FROM ${buckets(unit, 'removed')} d WHERE ${SAME.replace('r.bucket', `r.${key}`)};
  DELETE FROM ${table} r USING ${buckets(unit, 'removed')} d WHERE ${SAME.replace('r.bucket', `r.${key}`)} AND r.count <= 0;
  UPDATE ${table} r SET first_time = x.lo, last_time = x.hi
    FROM ${buckets(unit, 'removed')} d
    CROSS JOIN LATERAL (SELECT min(e.time) AS lo, max(e.time) AS hi FROM events e
                         WHERE e.type = d.type AND e.time >= d.bucket AND e.time < d.bucket + interval '1 ${unit}' AND e.level = d.level AND e.source = d.source) x
   WHERE ${SAME.replace('r.bucket', `r.${key}`)} AND (d.lo <= r.first_time OR d.hi >= r.last_time);`;

/** The type catalogue's part, as in EventSummaries1764700001000. */
const TYPES_ADD = `
  INSERT INTO event_types AS t (type, count, first_seen, last_seen, example_id)
    SELECT n.type, n.count, n.first_seen, latest.time, latest.id
      FROM (SELECT type, count(*) AS count, min(time) AS first_seen FROM inserted GROUP BY type) n
      JOIN (SELECT DISTINCT ON (type) type, time, id FROM inserted ORDER BY type, time DESC, id DESC) latest USING (type)
     ORDER BY n.type
    ON CONFLICT (type) DO UPDATE SET count = t.count + EXCLUDED.count, first_seen = least(t.first_seen, EXCLUDED.first_seen),
      last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
      example_id = CASE WHEN (EXCLUDED.last_seen, EXCLUDED.example_id) > (t.last_seen, t.example_id) THEN EXCLUDED.example_id ELSE t.example_id END;`;
const REMOVED_TYPES = `(SELECT type, count(*) AS n, min(time) AS lo, max(time) AS hi, array_agg(id) AS ids FROM removed GROUP BY type)`;
const TYPES_REMOVE = `
  PERFORM 1 FROM event_types t JOIN ${REMOVED_TYPES} d USING (type) ORDER BY t.type FOR UPDATE OF t;
  UPDATE event_types t SET count = t.count - d.n FROM ${REMOVED_TYPES} d WHERE t.type = d.type;
  DELETE FROM event_types t USING ${REMOVED_TYPES} d WHERE t.type = d.type AND t.count <= 0;
  UPDATE event_types t SET first_seen = (SELECT min(e.time) FROM events e WHERE e.type = t.type)
    FROM ${REMOVED_TYPES} d WHERE t.type = d.type AND d.lo <= t.first_seen;
  UPDATE event_types t SET last_seen = latest.time, example_id = latest.id
    FROM ${REMOVED_TYPES} d
    CROSS JOIN LATERAL (SELECT e.time, e.id FROM events e WHERE e.type = d.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest
   WHERE t.type = d.type AND (d.hi >= t.last_seen OR t.example_id = ANY (d.ids));`;

/**
 * `event_rollup_daily`: the hourly rollup's figures per UTC day, kept by the same triggers, so a
 * `stats` window spanning weeks reads one row per day × type × level × source (whole days), the
 * hourly rows only for the ragged days at its ends, and `events` for the ragged hours. The three
 * trigger functions and the rebuild are replaced to maintain it; the rebuild fills it too.
 */
export class DailyRollup1764700003000 implements MigrationInterface {
  name = 'DailyRollup1764700003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE event_rollup_daily (
      day timestamptz NOT NULL,
      type text NOT NULL,
      level text NOT NULL,
      source text NOT NULL,
      count bigint NOT NULL,
      errors bigint GENERATED ALWAYS AS (CASE WHEN level = 'error' THEN count ELSE 0 END) STORED,
      first_time timestamptz NOT NULL,
      last_time timestamptz NOT NULL,
      PRIMARY KEY (day, type, level, source))`);
    await q.query(`CREATE OR REPLACE FUNCTION event_summaries_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${addTo('event_rollup', 'hour', 'hour')}
        ${addTo('event_rollup_daily', 'day', 'day')}
        ${TYPES_ADD}
        RETURN NULL;
      END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION event_summaries_remove() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${removeFrom('event_rollup', 'hour', 'hour')}
        ${removeFrom('event_rollup_daily', 'day', 'day')}
        ${TYPES_REMOVE}
        RETURN NULL;
      END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION event_summaries_clear() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM event_rollup;
        DELETE FROM event_rollup_daily;
        DELETE FROM event_types;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION rebuild_event_summaries() RETURNS TABLE (buckets bigint, types bigint) LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE;
        DELETE FROM event_rollup;
        DELETE FROM event_rollup_daily;
        DELETE FROM event_types;
        INSERT INTO event_rollup (hour, type, level, source, count, first_time, last_time)
          SELECT date_trunc('hour', time, 'UTC'), type, level, source, count(*), min(time), max(time) FROM events GROUP BY 1, 2, 3, 4;
        INSERT INTO event_rollup_daily (day, type, level, source, count, first_time, last_time)
          SELECT date_trunc('day', hour, 'UTC'), type, level, source, sum(count), min(first_time), max(last_time) FROM event_rollup GROUP BY 1, 2, 3, 4;
        INSERT INTO event_types (type, count, first_seen, last_seen, example_id)
          SELECT s.type, s.count, s.first_seen, latest.time, latest.id
            FROM (SELECT type, sum(count) AS count, min(first_time) AS first_seen FROM event_rollup_daily GROUP BY type) s
            CROSS JOIN LATERAL (SELECT e.time, e.id FROM events e WHERE e.type = s.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest;
        RETURN QUERY SELECT (SELECT count(*) FROM event_rollup), (SELECT count(*) FROM event_types);
      END $$`);
    await q.query(`SELECT rebuild_event_summaries()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to the functions of EventSummaries1764700001000, without the daily table.
    await q.query(`CREATE OR REPLACE FUNCTION event_summaries_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addTo('event_rollup', 'hour', 'hour')} ${TYPES_ADD} RETURN NULL; END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION event_summaries_remove() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${removeFrom('event_rollup', 'hour', 'hour')} ${TYPES_REMOVE} RETURN NULL; END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION event_summaries_clear() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN DELETE FROM event_rollup; DELETE FROM event_types; RETURN NULL; END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION rebuild_event_summaries() RETURNS TABLE (buckets bigint, types bigint) LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE;
        DELETE FROM event_rollup;
        DELETE FROM event_types;
        INSERT INTO event_rollup (hour, type, level, source, count, first_time, last_time)
          SELECT date_trunc('hour', time, 'UTC'), type, level, source, count(*), min(time), max(time) FROM events GROUP BY 1, 2, 3, 4;
        INSERT INTO event_types (type, count, first_seen, last_seen, example_id)
          SELECT s.type, s.count, s.first_seen, latest.time, latest.id
            FROM (SELECT type, sum(count) AS count, min(first_time) AS first_seen FROM event_rollup GROUP BY type) s
            CROSS JOIN LATERAL (SELECT e.time, e.id FROM events e WHERE e.type = s.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest;
        RETURN QUERY SELECT (SELECT count(*) FROM event_rollup), (SELECT count(*) FROM event_types);
      END $$`);
    await q.query(`DROP TABLE event_rollup_daily`);
  }
}
