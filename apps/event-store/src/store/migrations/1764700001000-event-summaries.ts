import { MigrationInterface, QueryRunner } from 'typeorm';

/** The rows one DELETE statement removed (its transition table), per rollup bucket and per type. */
const REMOVED_BUCKETS = `(SELECT date_trunc('hour', time, 'UTC') AS hour, type, level, source, count(*) AS n, min(time) AS lo, max(time) AS hi
  FROM removed GROUP BY 1, 2, 3, 4)`;
const REMOVED_TYPES = `(SELECT type, count(*) AS n, min(time) AS lo, max(time) AS hi, array_agg(id) AS ids FROM removed GROUP BY type)`;
const SAME_BUCKET = '(r.hour, r.type, r.level, r.source) = (d.hour, d.type, d.level, d.source)';

/**
 * The summaries `stats` and `schemas` read instead of the history, kept exact by statement-level
 * triggers on `events`, so they change in the same transaction as the rows (the writer's batch
 * INSERT, retention's DELETE, a TRUNCATE) whoever runs the statement:
 * - `event_rollup`: per UTC hour × type × level × source, the count and first/last `time`
 *   (`errors` is the count of the `error` level's rows, generated);
 * - `event_types`: per type, the count, first/last seen and the id of its latest event.
 * The transition tables hold only the rows a statement really inserted or deleted: a redelivered
 * event skipped by `ON CONFLICT (id) DO NOTHING` counts nothing. Rows are locked in key order
 * (the upserts' ORDER BY, the removal's FOR UPDATE), so two writers' batches, or a batch and a
 * retention run, wait for each other instead of deadlocking.
 * `rebuild_event_summaries()` recomputes both from `events` (upgrades, repairs), and is run here.
 */
export class EventSummaries1764700001000 implements MigrationInterface {
  name = 'EventSummaries1764700001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE event_rollup (
      hour timestamptz NOT NULL,
      type text NOT NULL,
      level text NOT NULL,
      source text NOT NULL,
      count bigint NOT NULL,
      errors bigint GENERATED ALWAYS AS (CASE WHEN level = 'error' THEN count ELSE 0 END) STORED,
      first_time timestamptz NOT NULL,
      last_time timestamptz NOT NULL,
      PRIMARY KEY (hour, type, level, source))`);
    await q.query(`CREATE TABLE event_types (
      type text PRIMARY KEY,
      count bigint NOT NULL,
      first_seen timestamptz NOT NULL,
      last_seen timestamptz NOT NULL,
      example_id text COLLATE "C" NOT NULL)`);

    await q.query(`CREATE FUNCTION event_summaries_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO event_rollup AS r (hour, type, level, source, count, first_time, last_time)
          SELECT date_trunc('hour', time, 'UTC'), type, level, source, count(*), min(time), max(time)
            FROM inserted GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
          ON CONFLICT (hour, type, level, source) DO UPDATE SET count = r.count + EXCLUDED.count,
            first_time = least(r.first_time, EXCLUDED.first_time), last_time = greatest(r.last_time, EXCLUDED.last_time);
        INSERT INTO event_types AS t (type, count, first_seen, last_seen, example_id)
          SELECT n.type, n.count, n.first_seen, latest.time, latest.id
            FROM (SELECT type, count(*) AS count, min(time) AS first_seen FROM inserted GROUP BY type) n
            JOIN (SELECT DISTINCT ON (type) type, time, id FROM inserted ORDER BY type, time DESC, id DESC) latest USING (type)
           ORDER BY n.type
          ON CONFLICT (type) DO UPDATE SET count = t.count + EXCLUDED.count, first_seen = least(t.first_seen, EXCLUDED.first_seen),
            last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
            example_id = CASE WHEN (EXCLUDED.last_seen, EXCLUDED.example_id) > (t.last_seen, t.example_id) THEN EXCLUDED.example_id ELSE t.example_id END;
        RETURN NULL;
      END $$`);

    // Counts go down; a bucket or type left empty goes; first/last (and the example) are looked up
    // again, by index, only where a removed row was the bucket's or type's first or last.
    await q.query(`CREATE FUNCTION event_summaries_remove() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM event_rollup r JOIN ${REMOVED_BUCKETS} d USING (hour, type, level, source)
          ORDER BY r.hour, r.type, r.level, r.source FOR UPDATE OF r;
        UPDATE event_rollup r SET count = r.count - d.n FROM ${REMOVED_BUCKETS} d WHERE ${SAME_BUCKET};
        DELETE FROM event_rollup r USING ${REMOVED_BUCKETS} d WHERE ${SAME_BUCKET} AND r.count <= 0;
        UPDATE event_rollup r SET first_time = x.lo, last_time = x.hi
          FROM ${REMOVED_BUCKETS} d
          CROSS JOIN LATERAL (SELECT min(e.time) AS lo, max(e.time) AS hi FROM events e
                               WHERE e.type = d.type AND e.time >= d.hour AND e.time < d.hour + interval '1 hour' AND e.level = d.level AND e.source = d.source) x
         WHERE ${SAME_BUCKET} AND (d.lo <= r.first_time OR d.hi >= r.last_time);

        PERFORM 1 FROM event_types t JOIN ${REMOVED_TYPES} d USING (type) ORDER BY t.type FOR UPDATE OF t;
        UPDATE event_types t SET count = t.count - d.n FROM ${REMOVED_TYPES} d WHERE t.type = d.type;
        DELETE FROM event_types t USING ${REMOVED_TYPES} d WHERE t.type = d.type AND t.count <= 0;
        UPDATE event_types t SET first_seen = (SELECT min(e.time) FROM events e WHERE e.type = t.type)
          FROM ${REMOVED_TYPES} d WHERE t.type = d.type AND d.lo <= t.first_seen;
        UPDATE event_types t SET last_seen = latest.time, example_id = latest.id
          FROM ${REMOVED_TYPES} d
          CROSS JOIN LATERAL (SELECT e.time, e.id FROM events e WHERE e.type = d.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest
         WHERE t.type = d.type AND (d.hi >= t.last_seen OR t.example_id = ANY (d.ids));
        RETURN NULL;
      END $$`);

    await q.query(`CREATE FUNCTION event_summaries_clear() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM event_rollup;
        DELETE FROM event_types;
        RETURN NULL;
      END $$`);

    // Writers wait while it runs (SHARE ROW EXCLUSIVE), reads go on; one transaction, so the
    // summaries are never seen half rebuilt.
    await q.query(`CREATE FUNCTION rebuild_event_summaries() RETURNS TABLE (buckets bigint, types bigint) LANGUAGE plpgsql AS $$
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

    await q.query(`CREATE TRIGGER events_summaries_add AFTER INSERT ON events REFERENCING NEW TABLE AS inserted
      FOR EACH STATEMENT EXECUTE FUNCTION event_summaries_add()`);
    await q.query(`CREATE TRIGGER events_summaries_remove AFTER DELETE ON events REFERENCING OLD TABLE AS removed
      FOR EACH STATEMENT EXECUTE FUNCTION event_summaries_remove()`);
    await q.query(`CREATE TRIGGER events_summaries_clear AFTER TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION event_summaries_clear()`);
    await q.query(`SELECT rebuild_event_summaries()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const trigger of ['events_summaries_add', 'events_summaries_remove', 'events_summaries_clear']) await q.query(`DROP TRIGGER ${trigger} ON events`);
    for (const fn of ['event_summaries_add', 'event_summaries_remove', 'event_summaries_clear', 'rebuild_event_summaries']) await q.query(`DROP FUNCTION ${fn}()`);
    await q.query(`DROP TABLE event_types`);
    await q.query(`DROP TABLE event_rollup`);
  }
}
