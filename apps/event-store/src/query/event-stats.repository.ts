import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { StatsGroup } from './query.views.js';
import { SqlParams, whereClause } from './sql/sql-params.js';
import { planStatsWindow, type StatsWindowPlan, type TimeRange } from './stats-window.js';

export interface TypeStatsRow {
  type: string;
  count: number;
  errors: number;
  first_seen: Date;
  last_seen: Date;
}

export interface GroupRow {
  key: string | Date;
  count: number;
}

/** A time bucket's count for one level and type (`split=true`). */
export interface SplitRow {
  key: Date;
  level: string;
  type: string;
  count: number;
}

/**
 * Where each piece of a window is read, per answer: whole days and whole hours from a summary
 * table, with one row per bucket (× the key), so a read costs the span asked, never the history's
 * length. `select` lists `key, count` (groups) or `type, count, errors, first_time, last_time`
 * (types). The ragged ends (under an hour each) are the CTE `ends`, read once per call: `events`
 * grouped as `event_rollup` is, so the hourly `select` applies to it as it is.
 */
interface Source {
  daily?: { table: string; select: string };
  hourly: { table: string; select: string };
}

/** The UTC hour or day of a time: `date_bin` from a UTC midnight, arithmetic only (`date_trunc(…, 'UTC')` converts through the zone per row, ~1.5 µs each). */
const utcBucket = (unit: 'hour' | 'day', column: string) => `date_bin('1 ${unit}', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

const TYPE_COLUMNS = 'type, count, errors, first_time, last_time';
const TYPE_SOURCE: Source = {
  daily: { table: 'event_type_daily', select: TYPE_COLUMNS },
  hourly: { table: 'event_rollup', select: TYPE_COLUMNS },
};

const byColumn = (column: 'level' | 'source'): Source => ({
  daily: { table: 'event_source_level_daily', select: `${column}, count` },
  hourly: { table: 'event_rollup', select: `${column}, count` },
});

/** Fixed SQL per grouping: the user picks one by name, never writes any. UTC buckets for hour and day. */
const GROUPS: Record<Exclude<StatsGroup, 'type'>, { source: Source; days: boolean; order: string }> = {
  level: { source: byColumn('level'), days: true, order: 'g.count DESC, g.key' },
  source: { source: byColumn('source'), days: true, order: 'g.count DESC, g.key' },
  hour: {
    source: { hourly: { table: 'event_totals_hourly', select: 'hour, count' } },
    days: false,
    order: 'g.key',
  },
  day: {
    source: {
      daily: { table: 'event_totals_daily', select: 'day, count' },
      hourly: { table: 'event_totals_hourly', select: `${utcBucket('day', 'hour')}, count` },
    },
    days: true,
    order: 'g.key',
  },
};

/** The split of hour/day buckets by level and type: the rollups' own grain, so whole days and hours are read as stored. */
const SPLIT: Record<'hour' | 'day', { source: Source; days: boolean }> = {
  hour: { source: { hourly: { table: 'event_rollup', select: 'hour, level, type, count' } }, days: false },
  day: {
    source: {
      daily: { table: 'event_rollup_daily', select: 'day, level, type, count' },
      hourly: { table: 'event_rollup', select: `${utcBucket('day', 'hour')}, level, type, count` },
    },
    days: true,
  },
};

/**
 * Aggregates over a time window, read from the summaries the writer's transaction keeps, in one
 * statement (one snapshot, one round trip): the per-type figures and the groups always agree.
 */
@Injectable()
export class EventStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async read(from: Date | undefined, to: Date | undefined, groupBy: StatsGroup, split = false): Promise<{ types: TypeStatsRow[]; groups?: GroupRow[]; splits?: SplitRow[] }> {
    const params = new SqlParams();
    const ends = planStatsWindow(from, to).raw; // the same under-an-hour pieces whatever the grouping
    const endsSql = ends.length ? endsCte(ends, params) : undefined;
    const types = from || to ? windowTypesSql(from, to, !!endsSql, params) : 'SELECT type, count, errors, first_seen, last_seen FROM event_types';
    const group = groupBy === 'type' ? undefined : GROUPS[groupBy];
    const groups =
      group && `SELECT key, sum(count) AS count FROM (${piecesSql(planStatsWindow(from, to, { days: group.days }), group.source, !!endsSql, params)}) p(key, count) GROUP BY key`;
    const dated = groupBy === 'hour' || groupBy === 'day';
    const by = dated && split ? SPLIT[groupBy] : undefined;
    const splits =
      by && `SELECT key, level, type, sum(count) AS count FROM (${piecesSql(planStatsWindow(from, to, { days: by.days }), by.source, !!endsSql, params)}) p(key, level, type, count) GROUP BY 1, 2, 3`;
    const [row] = (await this.db.query(
      `WITH ${endsSql ? `ends AS (${endsSql}), ` : ''}t AS (${types})${groups ? `, g AS (${groups})` : ''}${splits ? `, s AS (${splits})` : ''}
       SELECT (SELECT coalesce(json_agg(t ORDER BY t.count DESC, t.type), '[]') FROM t) AS types,
              ${group ? `(SELECT coalesce(json_agg(g ORDER BY ${group.order}), '[]') FROM g)` : 'NULL'} AS groups,
              ${splits ? `(SELECT coalesce(json_agg(s), '[]') FROM s)` : 'NULL'} AS splits`,
      params.values,
    )) as { types: JsonTypeRow[]; groups: { key: string; count: number }[] | null; splits: { key: string; level: string; type: string; count: number }[] | null }[];
    return {
      types: row.types.map((t) => ({ ...t, first_seen: new Date(t.first_seen), last_seen: new Date(t.last_seen) })),
      groups: row.groups?.map((g) => ({ key: dated ? new Date(g.key) : g.key, count: g.count })),
      splits: row.splits?.map((r) => ({ ...r, key: new Date(r.key) })),
    };
  }
}

/** A row of `types` as json_agg writes it: numbers, and times as text. */
type JsonTypeRow = Omit<TypeStatsRow, 'first_seen' | 'last_seen'> & { first_seen: string; last_seen: string };

/** The window's types: whole days from `event_type_daily`, whole hours from `event_rollup`, ragged ends from `ends`. */
function windowTypesSql(from: Date | undefined, to: Date | undefined, ends: boolean, params: SqlParams): string {
  return `SELECT type, sum(count) AS count, sum(errors) AS errors, min(first_time) AS first_seen, max(last_time) AS last_seen
    FROM (${piecesSql(planStatsWindow(from, to), TYPE_SOURCE, ends, params)}) p(type, count, errors, first_time, last_time) GROUP BY type`;
}

const rangeSql = (column: string, r: TimeRange, params: SqlParams) =>
  whereClause([r.from && `${column} >= ${params.add(r.from)}`, r.to && `${column} < ${params.add(r.to)}`].filter((c): c is string => !!c));

/**
 * The ragged ends counted from `events` in `event_rollup`'s shape (hour × type × level × source).
 * One index range each, UNION ALL rather than OR: an OR of two ranges would become a bitmap scan
 * that reads the heap, where each range alone is an index-only scan of the covering time index.
 */
function endsCte(pieces: Required<TimeRange>[], params: SqlParams): string {
  const ranges = pieces.map((piece) => `SELECT time, type, level, source FROM events ${rangeSql('time', piece, params)}`).join(' UNION ALL ');
  return `SELECT ${utcBucket('hour', 'time')} AS hour, type, level, source, count(*) AS count, count(*) FILTER (WHERE level = 'error') AS errors,
      min(time) AS first_time, max(time) AS last_time FROM (${ranges}) e GROUP BY 1, 2, 3, 4`;
}

/** One SELECT per piece of the plan, UNION ALL (a typed empty set when the window is empty). */
function piecesSql(plan: StatsWindowPlan, source: Source, ends: boolean, params: SqlParams): string {
  const parts: string[] = [];
  if (plan.daily && source.daily) parts.push(`SELECT ${source.daily.select} FROM ${source.daily.table} ${rangeSql('day', plan.daily, params)}`);
  for (const hours of plan.hourly) parts.push(`SELECT ${source.hourly.select} FROM ${source.hourly.table} ${rangeSql('hour', hours, params)}`);
  if (ends) parts.push(`SELECT ${source.hourly.select} FROM ends`);
  // An empty window (from = to) still needs a typed, empty set.
  if (parts.length === 0) parts.push(`SELECT ${source.hourly.select} FROM ${source.hourly.table} WHERE false`);
  return parts.join(' UNION ALL ');
}
