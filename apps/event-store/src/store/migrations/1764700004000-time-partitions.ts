import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The indexes of `events` and of the archive (same definitions, so a partition moving from one to
 * the other keeps its indexes and attaches without building any). `source` and `level` get the
 * keyset order `(…, time DESC, id DESC)` the other filters have, and so does the pair of them.
 */
const INDEXES: [suffix: string, definition: string][] = [
  ['time', '(time DESC, id DESC)'],
  ['resource', '(resource_type, resource_id, time)'],
  ['type_keyset', '(type, time DESC, id DESC)'],
  ['source_keyset', '(source, time DESC, id DESC)'],
  ['level_keyset', '(level, time DESC, id DESC)'],
  // `source=` with `level=` (the error view of one service): without it, a rare pair reads every
  // row of the source, in every partition, to find none.
  ['source_level_keyset', '(source, level, time DESC, id DESC)'],
  ['actor_keyset', '(actor, time DESC, id DESC) WHERE actor IS NOT NULL'],
  ['audience_keyset', '(audience, time DESC, id DESC) WHERE audience IS NOT NULL'],
  ['correlation_keyset', '(correlation_id, time DESC, id DESC) WHERE correlation_id IS NOT NULL'],
  ['unresolved_errors', "(time DESC) WHERE level = 'error' AND NOT resolved"],
];

/** A partition holds one ISO week (Monday to Sunday, UTC); these two functions are the only place that says so. */
const PARTITION_START = `CREATE FUNCTION event_partition_start(day date) RETURNS date LANGUAGE sql IMMUTABLE
  RETURN date_trunc('week', day::timestamp)::date`;
const PARTITION_END = `CREATE FUNCTION event_partition_end(start date) RETURNS date LANGUAGE sql IMMUTABLE
  RETURN start + 7`;

/** `events_p20261130` / `events_archive_p20261130`: the partition's first day. */
const PARTITION_NAME = `CREATE FUNCTION event_partition_name(parent text, start date) RETURNS text LANGUAGE sql IMMUTABLE
  RETURN parent || '_p' || to_char(start, 'YYYYMMDD')`;

/** The first days of `parent`'s partitions (the default partition is not one). */
const PARTITION_DAYS = `CREATE FUNCTION event_partition_days(parent regclass) RETURNS SETOF date LANGUAGE sql STABLE AS $$
  SELECT to_date(right(c.relname, 8), 'YYYYMMDD') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = parent AND c.relname ~ '_p[0-9]{8}$' ORDER BY 1 $$`;

/**
 * Creates the live partition holding `day` unless it exists. It is created apart with the range as a
 * CHECK, filled with the rows the default partition holds for its range (events whose time was
 * outside every partition when stored), then attached: the CHECK spares ATTACH its validation
 * scan here, and later in the archive. Rows moved from the default partition to the new one stay
 * in `events` (no statement on `events` itself, so the summaries, which count them, do not move).
 * An advisory lock serialises replicas.
 */
const ENSURE_PARTITION = `CREATE FUNCTION ensure_event_partition(day date) RETURNS boolean LANGUAGE plpgsql AS $$
  DECLARE
    name text := event_partition_name('events', event_partition_start(day));
    lo timestamptz := event_partition_start(day)::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := event_partition_end(event_partition_start(day))::timestamp AT TIME ZONE 'UTC';
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('events partitions'));
    IF to_regclass(name) IS NOT NULL THEN RETURN false; END IF;
    -- No write may reach the default partition between the move and the ATTACH (whose check of it would fail).
    LOCK TABLE events_default IN EXCLUSIVE MODE;
    EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS, CONSTRAINT %I CHECK (time >= %L AND time < %L))',
                   name, name || '_range', lo, hi);
    EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE time >= %L AND time < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, name);
    EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
    RETURN true;
  END $$`;

const ENSURE_ARCHIVE_PARTITION = `CREATE FUNCTION ensure_event_archive_partition(day date) RETURNS boolean LANGUAGE plpgsql AS $$
  DECLARE
    name text := event_partition_name('events_archive', event_partition_start(day));
    lo timestamptz := event_partition_start(day)::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := event_partition_end(event_partition_start(day))::timestamp AT TIME ZONE 'UTC';
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('events partitions'));
    IF to_regclass(name) IS NOT NULL THEN RETURN false; END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF events_archive FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
    RETURN true;
  END $$`;

/**
 * Retention of one partition (a week from `start`): it is detached from `events` and attached to
 * `events_archive` (catalogue changes only: no row is copied or deleted, so no dead rows). The
 * summaries count what `events` holds, so the range's rollup rows go (they are exactly the
 * partition's rows: the buckets are UTC hours and days inside its range) and the type catalogue
 * loses their counts; a type's first/last seen and example are looked up again, by index, only
 * where they fell in that range. `event_ids` keeps the ids: the archive is deduplicated with the
 * store until it is pruned. Returns the number of events archived (from the rollup: no scan).
 */
const ARCHIVE_PARTITION = `CREATE FUNCTION archive_event_partition(start date) RETURNS bigint LANGUAGE plpgsql AS $$
  DECLARE
    name text := event_partition_name('events', start);
    archived text := event_partition_name('events_archive', start);
    lo timestamptz := start::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := event_partition_end(start)::timestamp AT TIME ZONE 'UTC';
    types text[];
    counts bigint[];
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

    SELECT coalesce(array_agg(type ORDER BY type), '{}'), coalesce(array_agg(n ORDER BY type), '{}') INTO types, counts
      FROM (SELECT type, sum(count) AS n FROM event_rollup_daily WHERE event_rollup_daily.day >= lo AND event_rollup_daily.day < hi GROUP BY type) s;
    DELETE FROM event_rollup_daily WHERE event_rollup_daily.day >= lo AND event_rollup_daily.day < hi;
    DELETE FROM event_rollup WHERE hour >= lo AND hour < hi;
    UPDATE event_types t SET count = t.count - d.n FROM unnest(types, counts) AS d(type, n) WHERE t.type = d.type;
    DELETE FROM event_types WHERE type = ANY (types) AND count <= 0;
    UPDATE event_types t SET first_seen = (SELECT min(e.time) FROM events e WHERE e.type = t.type)
     WHERE t.type = ANY (types) AND t.first_seen < hi;
    UPDATE event_types t SET last_seen = latest.time, example_id = latest.id
      FROM unnest(types) AS d(type)
      CROSS JOIN LATERAL (SELECT e.time, e.id FROM events e WHERE e.type = d.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest
     WHERE t.type = d.type AND t.last_seen < hi;
    RETURN (SELECT coalesce(sum(n), 0) FROM unnest(counts) AS n);
  END $$`;

/**
 * Events older than `cutoff` still in the default partition (stored with a time outside every
 * partition): at most `max` move to the archive in one statement. A DELETE on `events`,
 * so the summaries' triggers take them out; rare rows, so their dead tuples are few.
 */
const ARCHIVE_STRAYS = `CREATE FUNCTION archive_event_strays(cutoff timestamptz, max integer) RETURNS bigint LANGUAGE plpgsql AS $$
  DECLARE moved bigint;
  BEGIN
    PERFORM ensure_event_archive_partition(d)
       FROM (SELECT DISTINCT (time AT TIME ZONE 'UTC')::date AS d FROM (SELECT time FROM events_default WHERE time < cutoff ORDER BY time LIMIT max) s) days;
    WITH gone AS (
      DELETE FROM events WHERE (time, id) IN (SELECT time, id FROM events_default WHERE time < cutoff ORDER BY time LIMIT max FOR UPDATE SKIP LOCKED)
      RETURNING *),
    kept AS (INSERT INTO events_archive SELECT * FROM gone)
    SELECT count(*) INTO moved FROM gone;
    RETURN moved;
  END $$`;

/** Drops one archived partition with its ids (their dedup ends with them). Returns how many went. */
const PRUNE_ARCHIVE = `CREATE FUNCTION prune_event_archive_partition(start date) RETURNS bigint LANGUAGE plpgsql AS $$
  DECLARE
    name text := event_partition_name('events_archive', start);
    gone bigint;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('events partitions'));
    IF to_regclass(name) IS NULL THEN RETURN 0; END IF;
    EXECUTE format('DELETE FROM event_ids i USING %I a WHERE i.id = a.id AND i.time = a.time', name);
    GET DIAGNOSTICS gone = ROW_COUNT;
    EXECUTE format('DROP TABLE %I', name);
    RETURN gone;
  END $$`;

/**
 * A TRUNCATE of `events` (tests, a reset by hand) empties the summaries, and the ids of events
 * the archive does not hold.
 */
const CLEAR = `CREATE OR REPLACE FUNCTION event_summaries_clear() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM event_rollup;
    DELETE FROM event_rollup_daily;
    DELETE FROM event_types;
    DELETE FROM event_ids i WHERE NOT EXISTS (SELECT 1 FROM events_archive a WHERE a.time = i.time AND a.id = i.id);
    RETURN NULL;
  END $$`;

const CLEAR_ARCHIVE = `CREATE FUNCTION event_archive_clear() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM event_ids i WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.time = i.time AND e.id = i.id);
    RETURN NULL;
  END $$`;

const TRIGGERS = [
  `CREATE TRIGGER events_summaries_add AFTER INSERT ON events REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION event_summaries_add()`,
  `CREATE TRIGGER events_summaries_remove AFTER DELETE ON events REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION event_summaries_remove()`,
  `CREATE TRIGGER events_summaries_clear AFTER TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION event_summaries_clear()`,
];

/**
 * `events` and `events_archive` become range-partitioned by `time`, one partition per ISO week in
 * UTC (`events_p20261130`, Monday), plus `events_default` for an event whose time falls outside
 * every partition (a clock far off, an old event published late), so no write ever fails for its
 * time. Weekly, measured against daily and weighed against monthly: a query without a time window
 * is planned over every partition, and with 70 daily partitions planning alone took 12–49 ms;
 * monthly would keep up to a month more than `EVENT_RETENTION_DAYS` asks and make the indexes the
 * writer inserts into 4× larger; a week keeps retention within 7 days of the period, ~6 live
 * partitions at the default 30 days, and ~12M rows per partition at 100M events over 60 days.
 *
 * A unique key on a partitioned table must contain `time`, so `id`'s uniqueness moves to
 * `event_ids (id PRIMARY KEY, time)`, written by the writer's statement before the row: the dedup
 * stays exact across partitions, and `GET /events/:id` finds the one partition to read.
 *
 * Existing rows are copied (the table is rebuilt once); the summaries are unchanged by it.
 */
export class TimePartitions1764700004000 implements MigrationInterface {
  name = 'TimePartitions1764700004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events RENAME TO events_unpartitioned`);
    await q.query(`ALTER TABLE events_archive RENAME TO events_archive_unpartitioned`);
    await q.query(`CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (time)`);
    await q.query(`CREATE TABLE events_archive (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (time)`);
    await q.query(`CREATE TABLE events_default PARTITION OF events DEFAULT`);
    await q.query(`CREATE TABLE event_ids (id text COLLATE "C" PRIMARY KEY CONSTRAINT events_id_length CHECK (char_length(id) BETWEEN 1 AND 256), time timestamptz NOT NULL)`);
    for (const fn of [PARTITION_START, PARTITION_END, PARTITION_NAME, PARTITION_DAYS, ENSURE_PARTITION, ENSURE_ARCHIVE_PARTITION, ARCHIVE_PARTITION, ARCHIVE_STRAYS, PRUNE_ARCHIVE, CLEAR_ARCHIVE]) {
      await q.query(fn);
    }
    await q.query(CLEAR);

    // The weeks the data needs, and this one; the app creates the days ahead when it starts.
    await q.query(`SELECT ensure_event_partition(d) FROM (SELECT DISTINCT (time AT TIME ZONE 'UTC')::date AS d FROM events_unpartitioned
                   UNION SELECT (now() AT TIME ZONE 'UTC')::date) days ORDER BY d`);
    await q.query(`SELECT ensure_event_archive_partition(d) FROM (SELECT DISTINCT (time AT TIME ZONE 'UTC')::date AS d FROM events_archive_unpartitioned) days ORDER BY d`);
    await q.query(`INSERT INTO events SELECT * FROM events_unpartitioned`);
    await q.query(`INSERT INTO events_archive SELECT ${await columnsOf(q, 'events')} FROM events_archive_unpartitioned`);
    // An id in both (an archived event replayed into the store) points at the live row.
    await q.query(`INSERT INTO event_ids (id, time) SELECT id, time FROM events`);
    await q.query(`INSERT INTO event_ids (id, time) SELECT id, time FROM events_archive ON CONFLICT (id) DO NOTHING`);
    await q.query(`DROP TABLE events_unpartitioned`);
    await q.query(`DROP TABLE events_archive_unpartitioned`);

    for (const [suffix, definition] of INDEXES) {
      const [columns, where = ''] = definition.split(' WHERE ');
      for (const table of ['events', 'events_archive']) {
        await q.query(`CREATE INDEX ${table}_${suffix} ON ${table} ${columns}${where ? ` WHERE ${where}` : ''}`);
      }
    }
    for (const trigger of TRIGGERS) await q.query(trigger);
    await q.query(`CREATE TRIGGER events_archive_clear AFTER TRUNCATE ON events_archive FOR EACH STATEMENT EXECUTE FUNCTION event_archive_clear()`);
  }

  /** Back to two plain tables with a primary key on `id` (the archive gains `archived_at` = now). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events RENAME TO events_partitioned`);
    await q.query(`ALTER TABLE events_archive RENAME TO events_archive_partitioned`);
    await q.query(`CREATE TABLE events (LIKE events_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id))`);
    await q.query(`CREATE TABLE events_archive (LIKE events_partitioned INCLUDING DEFAULTS, archived_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (id))`);
    await q.query(`INSERT INTO events SELECT * FROM events_partitioned`);
    await q.query(`INSERT INTO events_archive SELECT * FROM events_archive_partitioned ON CONFLICT (id) DO NOTHING`);
    await q.query(`DROP TABLE events_partitioned`);
    await q.query(`DROP TABLE events_archive_partitioned`);
    await q.query(`DROP TABLE event_ids`);
    for (const fn of [
      'event_archive_clear()',
      'prune_event_archive_partition(date)',
      'archive_event_strays(timestamptz, integer)',
      'archive_event_partition(date)',
      'ensure_event_archive_partition(date)',
      'ensure_event_partition(date)',
      'event_partition_days(regclass)',
      'event_partition_name(text, date)',
      'event_partition_end(date)',
      'event_partition_start(date)',
    ]) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    await q.query(`CREATE OR REPLACE FUNCTION event_summaries_clear() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN DELETE FROM event_rollup; DELETE FROM event_rollup_daily; DELETE FROM event_types; RETURN NULL; END $$`);
    const down: [string, string][] = [
      ['events_time', '(time DESC, id DESC)'],
      ['events_resource', '(resource_type, resource_id, time)'],
      ['events_type_keyset', '(type, time DESC, id DESC)'],
      ['events_source_time', '(source, time DESC)'],
      ['events_level_time', '(level, time DESC)'],
      ['events_actor_keyset', '(actor, time DESC, id DESC) WHERE actor IS NOT NULL'],
      ['events_audience_keyset', '(audience, time DESC, id DESC) WHERE audience IS NOT NULL'],
      ['events_correlation_keyset', '(correlation_id, time DESC, id DESC) WHERE correlation_id IS NOT NULL'],
      ['events_unresolved_errors', "(time DESC) WHERE level = 'error' AND NOT resolved"],
    ];
    for (const [name, definition] of down) await q.query(`CREATE INDEX ${name} ON events ${definition}`);
    for (const trigger of TRIGGERS) await q.query(trigger);
  }
}

/** `events`' column list, quoted, in order (the archive's copy leaves out its old `archived_at`). */
async function columnsOf(q: QueryRunner, table: string): Promise<string> {
  const rows = (await q.query(
    `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  )) as { attname: string }[];
  return rows.map((r) => `"${r.attname.replace(/"/g, '""')}"`).join(', ');
}
