const HOUR_MS = 3_600_000;

/** A half-open time range, either end open when undefined. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

/** Where the figures of a `stats` window come from: whole UTC hours from the rollup, the ragged ends from `events`. */
export interface StatsWindowPlan {
  /** Whole hours (bounds on the hour), read from `event_rollup`; absent when the window holds no whole hour. */
  rollup?: TimeRange;
  /** At most two pieces shorter than an hour each (or the whole window when it holds no whole hour), counted in `events`. */
  raw: Required<TimeRange>[];
}

/**
 * Splits `from` ≤ time < `to` so that its cost depends on the span asked, not on the history: the
 * rollup's hour rows for the whole hours inside, and an index range scan of under an hour at
 * each ragged end. Exact either way.
 * @example planStatsWindow(new Date('2025-03-01T10:30Z'), new Date('2025-03-01T14:00Z'))
 *   // { rollup: { from: 11:00, to: 14:00 }, raw: [{ from: 10:30, to: 11:00 }] }
 */
export function planStatsWindow(from?: Date, to?: Date): StatsWindowPlan {
  const start = from && new Date(Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS);
  const end = to && new Date(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS);
  if (from && to && start && end && start >= end) return { raw: from < to ? [{ from, to }] : [] };
  const raw: Required<TimeRange>[] = [];
  if (from && start && from < start) raw.push({ from, to: start });
  if (to && end && end < to) raw.push({ from: end, to });
  return { rollup: { from: start, to: end }, raw };
}
