import { MigrationInterface, QueryRunner } from 'typeorm';
import { add, addFunction, ALL, bucket, list, ordinals, Summary } from './1765000200000-span-summaries.js';

/** The batch's cells, one per (hour, type, level, source): the plpgsql arrays below read as rows. */
const CELLS = 'unnest(hours, types, levels, sources, ns, es, los, his) AS c(hour, type, level, source, n, e, lo, hi)';

/** `s`'s buckets summed from the cells (the hourly rollup is the cells themselves). */
function fromCells(s: Summary): string {
  if (s.unit === 'hour' && s.keys.length === 3) return `(SELECT hour, ${list(s.keys)}, n, e, lo, hi FROM ${CELLS})`;
  const unit = s.unit === 'hour' ? 'hour' : bucket('day', 'hour');
  return `(SELECT ${unit} AS ${s.unit}${s.keys.map((k) => `, ${k}`).join('')}, sum(n)::bigint AS n, sum(e)::bigint AS e, min(lo) AS lo, max(hi) AS hi
       FROM ${CELLS} GROUP BY ${ordinals(s)})`;
}

/**
 * The type catalogue from the cells; the example (the latest `(time, id)` of a type) is the
 * greatest id among the type's rows at its latest time: one hash join of `inserted` against the
 * batch's few types, where `DISTINCT ON` sorted all the rows.
 */
const typesAdd = `
  INSERT INTO event_types AS t (type, count, errors, first_seen, last_seen, example_id)
    SELECT n.type, n.count, n.errors, n.first_seen, n.last_seen, max(i.id)
      FROM (SELECT type, sum(n)::bigint AS count, sum(e)::bigint AS errors, min(lo) AS first_seen, max(hi) AS last_seen FROM ${CELLS} GROUP BY type) n
      JOIN inserted i ON i.type = n.type AND i.time = n.last_seen
     GROUP BY n.type, n.count, n.errors, n.first_seen, n.last_seen
     ORDER BY n.type
    ON CONFLICT (type) DO UPDATE SET count = t.count + EXCLUDED.count, errors = t.errors + EXCLUDED.errors,
      first_seen = least(t.first_seen, EXCLUDED.first_seen), last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
      example_id = CASE WHEN (EXCLUDED.last_seen, EXCLUDED.example_id) > (t.last_seen, t.example_id) THEN EXCLUDED.example_id ELSE t.example_id END;`;

const addOnce = `CREATE OR REPLACE FUNCTION event_summaries_add() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    hours timestamptz[]; types text[]; levels text[]; sources text[]; ns bigint[]; es bigint[]; los timestamptz[]; his timestamptz[];
  BEGIN
    SELECT array_agg(hour), array_agg(type), array_agg(level), array_agg(source), array_agg(n), array_agg(e), array_agg(lo), array_agg(hi)
      INTO hours, types, levels, sources, ns, es, los, his
      FROM (SELECT ${bucket('hour')} AS hour, type, level, source, count(*) AS n, count(*) FILTER (WHERE level = 'error') AS e,
                   min(time) AS lo, max(time) AS hi FROM inserted GROUP BY 1, 2, 3, 4) g;
    ${ALL.map((s) => add(s, fromCells(s))).join('\n    ')}
    ${typesAdd}
    RETURN NULL;
  END $$`;

/**
 * The writer's summaries trigger groups the statement's rows once, at the finest grain (hour ×
 * type × level × source), and fills every summary table and the type catalogue from those few
 * cells: before, each of the seven upserts scanned and hash-grouped all of `inserted` itself.
 * Same tables in the same order (the lock order every summary function keeps), same upserts.
 */
export class SummariesAggregateOnce1765001000000 implements MigrationInterface {
  name = 'SummariesAggregateOnce1765001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(addOnce);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(addFunction(ALL, true));
  }
}
