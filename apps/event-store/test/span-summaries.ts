/**
 * The summary tables sized by span (SpanSummaries1765000200000), for the exactness checks of the
 * summaries and retention suites: each table's rows, and the same figures computed from `events`.
 */
/** The per-span tables, each against the same grouping of `events`: the bucket, the keys, count and errors (and first/last time). */
export const SPAN_TABLES = [
  { table: 'event_totals_hourly', unit: 'hour', keys: [], times: false },
  { table: 'event_totals_daily', unit: 'day', keys: [], times: false },
  { table: 'event_type_daily', unit: 'day', keys: ['type'], times: true },
  { table: 'event_source_level_daily', unit: 'day', keys: ['source', 'level'], times: false },
];
export const spanSql = ({ table, unit, keys, times }: (typeof SPAN_TABLES)[number]) => {
  const order = [unit, ...keys].map((_, i) => i + 1).join(', ');
  const key = [unit, ...keys].join(', ');
  const stored = `SELECT ${key}, count::int, errors::int${times ? ', first_time, last_time' : ''} FROM ${table} ORDER BY ${order}`;
  const truth = `SELECT ${[`date_trunc('${unit}', time, 'UTC') AS ${unit}`, ...keys].join(', ')}, count(*)::int AS count,
      (count(*) FILTER (WHERE level = 'error'))::int AS errors${times ? ', min(time) AS first_time, max(time) AS last_time' : ''}
    FROM events GROUP BY ${order} ORDER BY ${order}`;
  return { stored, truth };
};
