import { MigrationInterface, QueryRunner } from 'typeorm';

/** `rebuild_event_summaries()`, its rows written in bucket order or not (as DailyRollup1764700003000 left it). */
const rebuild = (ordered: boolean) => {
  const order = ordered ? ' ORDER BY 1' : '';
  // TRUNCATE gives the rows fresh storage, so they land in insertion order; after a DELETE they would
  // fill whatever free space vacuum had left, in any order. Writers already wait on the lock on events;
  // stats readers wait for the rebuild too, a maintenance command.
  const clear = ordered
    ? 'TRUNCATE event_rollup, event_rollup_daily, event_types;'
    : 'DELETE FROM event_rollup;\n        DELETE FROM event_rollup_daily;\n        DELETE FROM event_types;';
  return `CREATE OR REPLACE FUNCTION rebuild_event_summaries() RETURNS TABLE (buckets bigint, types bigint) LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE;
        ${clear}
        INSERT INTO event_rollup (hour, type, level, source, count, first_time, last_time)
          SELECT date_trunc('hour', time, 'UTC'), type, level, source, count(*), min(time), max(time) FROM events GROUP BY 1, 2, 3, 4${order};
        INSERT INTO event_rollup_daily (day, type, level, source, count, first_time, last_time)
          SELECT date_trunc('day', hour, 'UTC'), type, level, source, sum(count), min(first_time), max(last_time) FROM event_rollup GROUP BY 1, 2, 3, 4${order};
        INSERT INTO event_types (type, count, first_seen, last_seen, example_id)
          SELECT s.type, s.count, s.first_seen, latest.time, latest.id
            FROM (SELECT type, sum(count) AS count, min(first_time) AS first_seen FROM event_rollup_daily GROUP BY type) s
            CROSS JOIN LATERAL (SELECT e.time, e.id FROM events e WHERE e.type = s.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest;
        RETURN QUERY SELECT (SELECT count(*) FROM event_rollup), (SELECT count(*) FROM event_types);
      END $$`;
};

/**
 * The rebuild (upgrades, repairs) writes the rollups in bucket order, as the writer does over
 * time: a window's hourly rows then sit on a few adjacent pages. In hash-aggregate order they were
 * scattered, one heap page per row (a 1-day `stats groupBy=hour` at 5M rows: 4,260 rows on 2,141
 * pages). It does not re-run the rebuild: `npm run event-store:rebuild-summaries` lays out
 * summaries built before.
 */
export class OrderedSummaryRebuild1764700006000 implements MigrationInterface {
  name = 'OrderedSummaryRebuild1764700006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(rebuild(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(rebuild(false));
  }
}
