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
  /** Errors as a percentage of the bucket's events; null when it has none, so the chart leaves a gap instead of drawing 0 %. */
  errorRate: number | null;
  levels: Record<Level, number>;
  types: Record<string, number>;
}

/**
 * One chart row per bucket, from one `GET /events/stats?groupBy=hour|day` answer (its groups carry
 * each bucket's levels and types). Buckets without events are kept, empty, so every chart has the same x axis.
 */
export function bucketRows(buckets: { from: Date }[], stats: EventStats, label: (d: Date) => string): BucketRow[] {
  const byKey = new Map(stats.groups.map((g) => [g.key, g]));
  return buckets.map((b) => {
    const g = byKey.get(b.from.toISOString());
    const levels: Record<Level, number> = { debug: 0, info: 0, success: 0, warn: 0, error: 0 };
    for (const [l, n] of Object.entries(g?.levels ?? {})) if (l in levels) levels[l as Level] = n;
    const total = g?.count ?? 0;
    const errors = g?.errors ?? 0;
    return { label: label(b.from), total, errors, errorRate: total === 0 ? null : Math.round((errors / total) * 1000) / 10, levels, types: { ...(g?.types ?? {}) } };
  });
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

/** Every how many buckets an x tick is labelled, the same for every chart of the page (24 hours: every 3rd). */
export const tickInterval = (buckets: number): number => (buckets > 12 ? Math.ceil(buckets / 8) - 1 : 0);
