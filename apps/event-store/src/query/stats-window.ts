const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A half-open time range, either end open when undefined. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

/** Where the figures of a `stats` window come from: whole UTC days, whole hours, and the ragged ends. */
export interface StatsWindowPlan {
  /** Whole days (bounds at midnight UTC), read from a per-day summary; absent when there are none (or days are not wanted). */
  daily?: TimeRange;
  /** Whole hours outside those days, read from a per-hour summary; with `days: false`, every whole hour (ends may be open). */
  hourly: TimeRange[];
  /** At most two pieces shorter than an hour each (or the whole window when it holds no whole hour), counted in `events`. */
  raw: Required<TimeRange>[];
}

const ceil = (d: Date, unit: number) => new Date(Math.ceil(d.getTime() / unit) * unit);
const floor = (d: Date, unit: number) => new Date(Math.floor(d.getTime() / unit) * unit);

/**
 * Splits `from` ≤ time < `to` so that its cost depends on the span asked, not on the history: a
 * row per day × type × level × source for the whole days inside, the hourly rows for the whole
 * hours of the ragged days at the ends, and an index range scan of under an hour at each ragged
 * end. Exact either way. `days: false` (grouping by hour) stops at hours.
 * @example planStatsWindow(new Date('2025-03-01T10:30Z'), new Date('2025-03-03T14:05Z'))
 *   // daily: 03-02 00:00 → 03-03 00:00; hourly: 03-01 11:00 → 03-02 00:00 and 03-03 00:00 → 14:00;
 *   // raw: 10:30 → 11:00 and 14:00 → 14:05
 */
export function planStatsWindow(from?: Date, to?: Date, options: { days?: boolean } = {}): StatsWindowPlan {
  const hStart = from && ceil(from, HOUR_MS);
  const hEnd = to && floor(to, HOUR_MS);
  if (from && to && hStart && hEnd && hStart >= hEnd) return { hourly: [], raw: from < to ? [{ from, to }] : [] };
  const raw: Required<TimeRange>[] = [];
  if (from && hStart && from < hStart) raw.push({ from, to: hStart });
  if (to && hEnd && hEnd < to) raw.push({ from: hEnd, to });
  const hours: TimeRange = { from: hStart, to: hEnd };
  if (options.days === false) return { hourly: [hours], raw };
  const dStart = hStart && ceil(hStart, DAY_MS);
  const dEnd = hEnd && floor(hEnd, DAY_MS);
  if (hStart && hEnd && dStart && dEnd && dStart >= dEnd) return { hourly: [hours], raw };
  const hourly: TimeRange[] = [];
  if (hStart && dStart && hStart < dStart) hourly.push({ from: hStart, to: dStart });
  if (hEnd && dEnd && dEnd < hEnd) hourly.push({ from: dEnd, to: hEnd });
  return { daily: { from: dStart, to: dEnd }, hourly, raw };
}
