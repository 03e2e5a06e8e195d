/** Upper bound of a `Retry-After` the dispatcher honours; a longer one waits this long. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Delay before the next attempt after `attemptsMade` attempts: `schedule[attemptsMade - 1]` (the
 * last entry repeats), spread by ±20 % jitter so that retries of one outage do not arrive together.
 */
export function retryDelayMs(attemptsMade: number, schedule: readonly number[], random: () => number = Math.random): number {
  const base = schedule[Math.min(attemptsMade, schedule.length) - 1] ?? schedule[0];
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** `Retry-After` as a delay in ms (seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const ms = /^\d+$/.test(text.trim()) ? Number(text.trim()) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}
