import type { EventStats, Level } from './types.js';

export type StatsRange = '6h' | '24h' | '7d';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The time buckets of a range: whole UTC hours (or days), the last one containing `now`. */
export function bucketsFor(range: StatsRange, now = Date.now()): { from: Date; to: Date }[] {
  const size = range === '7d' ? DAY : HOUR;
  const count = range === '6h' ? 6 : range === '24h' ? 24 : 7;
  const end = Math.floor(now / size) * size + size;
  return Array.from({ length: count }, (_, i) => ({ from: new Date(end - (count - i) * size), to: new Date(end - (count - i - 1) * size) }));
}

export interface BucketRow {
  /** The bucket's start, for the axis. */
  label: string;
  total: number;
  errors: number;
  /** Errors as a percentage of the bucket's events (0 when empty). */
  errorRate: number;
  levels: Record<Level, number>;
  types: Record<string, number>;
}

/** One chart row per bucket from that bucket's `GET /events/stats?groupBy=level` answer. */
export function bucketRow(label: string, stats: EventStats): BucketRow {
  const levels: Record<Level, number> = { debug: 0, info: 0, success: 0, warn: 0, error: 0 };
  for (const g of stats.groups) if (g.key in levels) levels[g.key as Level] = g.count;
  const types: Record<string, number> = {};
  for (const t of stats.types) types[t.type] = t.count;
  return { label, total: stats.total, errors: stats.errors, errorRate: Math.round(stats.errorRate * 1000) / 10, levels, types };
}

/** The `n` busiest types over all rows, and "other" for the rest, so a stacked chart stays readable. */
export function topTypes(rows: BucketRow[], n: number): { keys: string[]; series: Record<string, number | string>[] } {
  const totals = new Map<string, number>();
  for (const r of rows) for (const [t, c] of Object.entries(r.types)) totals.set(t, (totals.get(t) ?? 0) + c);
  const keys = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([t]) => t);
  const hasOther = totals.size > keys.length;
  const series = rows.map((r) => {
    const row: Record<string, number | string> = { label: r.label };
    let other = 0;
    for (const [t, c] of Object.entries(r.types)) {
      if (keys.includes(t)) row[t] = c;
      else other += c;
    }
    if (hasOther) row.other = other;
    return row;
  });
  return { keys: hasOther ? [...keys, 'other'] : keys, series };
}
