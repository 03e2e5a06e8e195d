import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One summary table: its key columns with the expression over an event row that fills each (the
 * first is the time bucket), whether `errors` is a generated column (the two rollups of before)
 * and whether it keeps first/last `time`.
 */
export interface Summary {
  table: string;
  unit: 'hour' | 'day';
  /** Key columns after the bucket; each is also a column of `events` of the same name. */
  keys: string[];
  generatedErrors: boolean;
  times: boolean;
}

const ROLLUP: Summary = { table: 'event_rollup', unit: 'hour', keys: ['type', 'level', 'source'], generatedErrors: true, times: true };
const ROLLUP_DAILY: Summary = { table: 'event_rollup_daily', unit: 'day', keys: ['type', 'level', 'source'], generatedErrors: true, times: true };
const TOTALS_HOURLY: Summary = { table: 'event_totals_hourly', unit: 'hour', keys: [], generatedErrors: false, times: false };
const TOTALS_DAILY: Summary = { table: 'event_totals_daily', unit: 'day', keys: [], generatedErrors: false, times: false };
const TYPE_DAILY: Summary = { table: 'event_type_daily', unit: 'day', keys: ['type'], generatedErrors: false, times: true };
const SOURCE_LEVEL_DAILY: Summary = { table: 'event_source_level_daily', unit: 'day', keys: ['source', 'level'], generatedErrors: false, times: false };

/** Every table, in the one order all functions lock them in (two transactions never wait on each other crosswise). */
export const ALL = [ROLLUP, ROLLUP_DAILY, TOTALS_HOURLY, TOTALS_DAILY, TYPE_DAILY, SOURCE_LEVEL_DAILY];
const NEW = [TOTALS_HOURLY, TOTALS_DAILY, TYPE_DAILY, SOURCE_LEVEL_DAILY];

/**
 * The UTC hour or day `time` falls in. `date_bin` from a UTC midnight is plain arithmetic, where
 * `date_trunc(unit, time, 'UTC')` converts through the time zone on every row: 1.2–1.7 µs more per
 * row measured here, paid for every row of every batch and every summary table.
 */
export const bucket = (unit: 'hour' | 'day', column = 'time') => `date_bin('1 ${unit}', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

const columns = (s: Summary) => [s.unit, ...s.keys];
export const list = (cols: string[], prefix = '') => cols.map((c) => `${prefix}${c}`).join(', ');
export const ordinals = (s: Summary) => columns(s).map((_, i) => i + 1).join(', ');

/** A statement's rows (`inserted` or `removed`) per bucket of `s`: its keys, then n, e (errors), lo, hi. */
const grouped = (s: Summary, rows: 'inserted' | 'removed') =>
  `(SELECT ${bucket(s.unit)} AS ${s.unit}${s.keys.map((k) => `, ${k}`).join('')}, count(*) AS n,
     count(*) FILTER (WHERE level = 'error') AS e, min(time) AS lo, max(time) AS hi FROM ${rows} GROUP BY ${ordinals(s)})`;

const same = (s: Summary) => `(${list(columns(s), 'r.')}) = (${list(columns(s), 'd.')})`;

/** The upsert of `s` from `rows`: a subquery with its key columns, then n, e, lo, hi (by default the statement's `inserted` grouped). */
export function add(s: Summary, rows = grouped(s, 'inserted')): string {
  const cols = ['count', ...(s.generatedErrors ? [] : ['errors']), ...(s.times ? ['first_time', 'last_time'] : [])];
  const values = ['n', ...(s.generatedErrors ? [] : ['e']), ...(s.times ? ['lo', 'hi'] : [])];
  const sets = ['count = r.count + EXCLUDED.count', ...(s.generatedErrors ? [] : ['errors = r.errors + EXCLUDED.errors'])];
  if (s.times) sets.push('first_time = least(r.first_time, EXCLUDED.first_time)', 'last_time = greatest(r.last_time, EXCLUDED.last_time)');
  return `
  INSERT INTO ${s.table} AS r (${list(columns(s))}, ${cols.join(', ')})
    SELECT ${list(columns(s))}, ${values.join(', ')} FROM ${rows} d ORDER BY ${ordinals(s)}
    ON CONFLICT (${list(columns(s))}) DO UPDATE SET ${sets.join(', ')};`;
}

function remove(s: Summary): string {
  const d = grouped(s, 'removed');
  const errors = s.generatedErrors ? '' : ', errors = r.errors - d.e';
  let sql = `
  PERFORM 1 FROM ${s.table} r JOIN ${d} d ON ${same(s)} ORDER BY ${list(columns(s), 'r.')} FOR UPDATE OF r;
  UPDATE ${s.table} r SET count = r.count - d.n${errors} FROM ${d} d WHERE ${same(s)};
  DELETE FROM ${s.table} r USING ${d} d WHERE ${same(s)} AND r.count <= 0;`;
  if (s.times) {
    const match = s.keys.map((k) => ` AND e.${k} = d.${k}`).join('');
    sql += `
  UPDATE ${s.table} r SET first_time = x.lo, last_time = x.hi
    FROM ${d} d
    CROSS JOIN LATERAL (SELECT min(e.time) AS lo, max(e.time) AS hi FROM events e
                         WHERE e.time >= d.${s.unit} AND e.time < d.${s.unit} + interval '1 ${s.unit}'${match}) x
   WHERE ${same(s)} AND (d.lo <= r.first_time OR d.hi >= r.last_time);`;
  }
  return sql;
}

/** The type catalogue's part; `errors` says whether it keeps an error count (this migration's addition). */
function typesAdd(errors: boolean): string {
  const e = (sql: string) => (errors ? sql : '');
  return `
  INSERT INTO event_types AS t (type, count${e(', errors')}, first_seen, last_seen, example_id)
    SELECT n.type, n.count${e(', n.errors')}, n.first_seen, latest.time, latest.id
      FROM (SELECT type, count(*) AS count${e(", count(*) FILTER (WHERE level = 'error') AS errors")}, min(time) AS first_seen FROM inserted GROUP BY type) n
      JOIN (SELECT DISTINCT ON (type) type, time, id FROM inserted ORDER BY type, time DESC, id DESC) latest USING (type)
     ORDER BY n.type
    ON CONFLICT (type) DO UPDATE SET count = t.count + EXCLUDED.count${e(', errors = t.errors + EXCLUDED.errors')},
      first_seen = least(t.first_seen, EXCLUDED.first_seen), last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
      example_id = CASE WHEN (EXCLUDED.last_seen, EXCLUDED.example_id) > (t.last_seen, t.example_id) THEN EXCLUDED.example_id ELSE t.example_id END;`;
}

/** A type's first/last seen and example looked up again (by index) where they may have gone. */
const typesRefresh = (types: string, firstGone: string, lastGone: string) => `
  UPDATE event_types t SET first_seen = (SELECT min(e.time) FROM events e WHERE e.type = t.type)
    FROM ${types} WHERE t.type = d.type AND ${firstGone};
  UPDATE event_types t SET last_seen = latest.time, example_id = latest.id
    FROM ${types}
    CROSS JOIN LATERAL (SELECT e.time, e.id FROM events e WHERE e.type = d.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest
   WHERE t.type = d.type AND ${lastGone};`;

function typesRemove(errors: boolean): string {
  const removed = `(SELECT type, count(*) AS n, count(*) FILTER (WHERE level = 'error') AS e, min(time) AS lo, max(time) AS hi, array_agg(id) AS ids
  FROM removed GROUP BY type)`;
  return `
  PERFORM 1 FROM event_types t JOIN ${removed} d USING (type) ORDER BY t.type FOR UPDATE OF t;
  UPDATE event_types t SET count = t.count - d.n${errors ? ', errors = t.errors - d.e' : ''} FROM ${removed} d WHERE t.type = d.type;
  DELETE FROM event_types t USING ${removed} d WHERE t.type = d.type AND t.count <= 0;
  ${typesRefresh(`${removed} d`, 'd.lo <= t.first_seen', '(d.hi >= t.last_seen OR t.example_id = ANY (d.ids))')}`;
}

/** A trigger function: `body` run in that order, then nothing returned (statement-level). */
const triggerFunction = (name: string, body: string[]) => `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    ${body.join('\n    ')}
    RETURN NULL;
  END $$`;

/** The trigger functions over `tables` (in that order, then the catalogue); `full`: this migration's tables and the catalogue's errors. */
export const addFunction = (tables: Summary[], full: boolean) => triggerFunction('event_summaries_add', [...tables.map((s) => add(s)), typesAdd(full)]);
const removeFunction = (tables: Summary[], full: boolean) => triggerFunction('event_summaries_remove', [...tables.map(remove), typesRemove(full)]);
const clearFunction = (tables: Summary[]) =>
  triggerFunction('event_summaries_clear', [
    ...tables.map((s) => `DELETE FROM ${s.table};`),
    'DELETE FROM event_types;',
    'DELETE FROM event_ids i WHERE NOT EXISTS (SELECT 1 FROM events_archive a WHERE a.time = i.time AND a.id = i.id);',
  ]);

/**
 * From `events` once (the hourly rollup), every other table from a smaller one, each written in
 * bucket order (a window's rows then sit on adjacent pages). TRUNCATE gives them fresh storage.
 */
function rebuildFunction(full: boolean): string {
  const tables = full ? ALL : [ROLLUP, ROLLUP_DAILY];
  const perType = full ? 'event_type_daily' : 'event_rollup_daily';
  return `CREATE OR REPLACE FUNCTION rebuild_event_summaries() RETURNS TABLE (buckets bigint, types bigint) LANGUAGE plpgsql AS $$
  BEGIN
    LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE;
    TRUNCATE ${list(tables.map((s) => s.table))}, event_types;
    INSERT INTO event_rollup (hour, type, level, source, count, first_time, last_time)
      SELECT ${bucket('hour')}, type, level, source, count(*), min(time), max(time) FROM events GROUP BY 1, 2, 3, 4 ORDER BY 1;
    INSERT INTO event_rollup_daily (day, type, level, source, count, first_time, last_time)
      SELECT ${bucket('day', 'hour')}, type, level, source, sum(count), min(first_time), max(last_time) FROM event_rollup GROUP BY 1, 2, 3, 4 ORDER BY 1;
    ${
      full
        ? `INSERT INTO event_totals_hourly (hour, count, errors) SELECT hour, sum(count), sum(errors) FROM event_rollup GROUP BY 1 ORDER BY 1;
    INSERT INTO event_totals_daily (day, count, errors) SELECT day, sum(count), sum(errors) FROM event_rollup_daily GROUP BY 1 ORDER BY 1;
    INSERT INTO event_type_daily (day, type, count, errors, first_time, last_time)
      SELECT day, type, sum(count), sum(errors), min(first_time), max(last_time) FROM event_rollup_daily GROUP BY 1, 2 ORDER BY 1, 2;
    INSERT INTO event_source_level_daily (day, source, level, count, errors)
      SELECT day, source, level, sum(count), sum(errors) FROM event_rollup_daily GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;`
        : ''
    }
    INSERT INTO event_types (type, count${full ? ', errors' : ''}, first_seen, last_seen, example_id)
      SELECT s.type, s.count${full ? ', s.errors' : ''}, s.first_seen, latest.time, latest.id
        FROM (SELECT type, sum(count) AS count, sum(errors) AS errors, min(first_time) AS first_seen FROM ${perType} GROUP BY type) s
        CROSS JOIN LATERAL (SELECT e.time, e.id FROM events e WHERE e.type = s.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest
       ORDER BY s.type;
    RETURN QUERY SELECT (SELECT count(*) FROM event_rollup), (SELECT count(*) FROM event_types);
  END $$`;
}

/**
 * Retention of one weekly partition, as in TimePartitions1764700004000; with `full`, the range's
 * rows leave every summary table, in the writer's trigger's order, and the type catalogue's counts
 * and errors come from `event_type_daily` (one row per day × type).
 */
function archiveFunction(full: boolean): string {
  const tables = full ? ALL : [ROLLUP_DAILY, ROLLUP];
  const perType = full ? 'event_type_daily' : 'event_rollup_daily';
  return `CREATE OR REPLACE FUNCTION archive_event_partition(start date) RETURNS bigint LANGUAGE plpgsql AS $$
  DECLARE
    name text := event_partition_name('events', start);
    archived text := event_partition_name('events_archive', start);
    lo timestamptz := start::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := event_partition_end(start)::timestamp AT TIME ZONE 'UTC';
    types text[];
    counts bigint[];
    errs bigint[];
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('events partitions'));
    IF to_regclass(name) IS NULL THEN RETURN 0; END IF;
    EXECUTE format('ALTER TABLE events DETACH PARTITION %I', name);
    IF to_regclass(archived) IS NULL THEN
      EXECUTE format('ALTER TABLE %I RENAME TO %I', name, archived);
      EXECUTE format('ALTER TABLE events_archive ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', archived, lo, hi);
    ELSE
      -- The range was archived before (a stray event moved out of the default partition): merge.
      EXECUTE format('INSERT INTO %I SELECT * FROM %I', archived, name);
      EXECUTE format('DROP TABLE %I', name);
    END IF;

    SELECT coalesce(array_agg(type ORDER BY type), '{}'), coalesce(array_agg(n ORDER BY type), '{}'), coalesce(array_agg(x ORDER BY type), '{}')
      INTO types, counts, errs
      FROM (SELECT type, sum(count) AS n, sum(errors) AS x FROM ${perType} s WHERE s.day >= lo AND s.day < hi GROUP BY type) s;
    ${tables.map((s) => `DELETE FROM ${s.table} s WHERE s.${s.unit} >= lo AND s.${s.unit} < hi;`).join('\n    ')}
    PERFORM 1 FROM event_types t WHERE t.type = ANY (types) ORDER BY t.type FOR UPDATE;
    UPDATE event_types t SET count = t.count - d.n${full ? ', errors = t.errors - d.x' : ''} FROM unnest(types, counts, errs) AS d(type, n, x) WHERE t.type = d.type;
    DELETE FROM event_types WHERE type = ANY (types) AND count <= 0;
    ${typesRefresh('unnest(types) AS d(type)', 't.first_seen < hi', 't.last_seen < hi')}
    RETURN (SELECT coalesce(sum(n), 0) FROM unnest(counts) AS n);
  END $$`;
}

/**
 * Summaries sized by the span a `stats` call asks, not by the history: per UTC hour and per UTC
 * day the total and errors (`groupBy=hour|day`: one row per bucket), per day × type (the window's
 * type list) and per day × source × level (`groupBy=source|level`), and the error count on the type
 * catalogue (a whole-history type list is then `event_types` alone). Kept by the same
 * statement-level triggers as the rollups, in the writer's transaction, by retention (the function
 * that detaches a week) and by `rebuild_event_summaries()`, which fills them here.
 */
export class SpanSummaries1765000200000 implements MigrationInterface {
  name = 'SpanSummaries1765000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE event_totals_hourly (hour timestamptz PRIMARY KEY, count bigint NOT NULL, errors bigint NOT NULL)`);
    await q.query(`CREATE TABLE event_totals_daily (day timestamptz PRIMARY KEY, count bigint NOT NULL, errors bigint NOT NULL)`);
    await q.query(`CREATE TABLE event_type_daily (day timestamptz NOT NULL, type text NOT NULL, count bigint NOT NULL, errors bigint NOT NULL,
      first_time timestamptz NOT NULL, last_time timestamptz NOT NULL, PRIMARY KEY (day, type))`);
    await q.query(`CREATE TABLE event_source_level_daily (day timestamptz NOT NULL, source text NOT NULL, level text NOT NULL,
      count bigint NOT NULL, errors bigint NOT NULL, PRIMARY KEY (day, source, level))`);
    await q.query(`ALTER TABLE event_types ADD COLUMN errors bigint NOT NULL DEFAULT 0`);
    for (const fn of [addFunction(ALL, true), removeFunction(ALL, true), clearFunction(ALL), rebuildFunction(true), archiveFunction(true)]) await q.query(fn);
    await q.query(`SELECT rebuild_event_summaries()`);
  }

  /** Back to the functions as TimePartitions1764700004000 and OrderedSummaryRebuild1764700006000 left them. */
  async down(q: QueryRunner): Promise<void> {
    const before = [ROLLUP, ROLLUP_DAILY];
    for (const fn of [addFunction(before, false), removeFunction(before, false), clearFunction(before), rebuildFunction(false), archiveFunction(false)]) await q.query(fn);
    for (const s of NEW) await q.query(`DROP TABLE ${s.table}`);
    await q.query(`ALTER TABLE event_types DROP COLUMN errors`);
  }
}
