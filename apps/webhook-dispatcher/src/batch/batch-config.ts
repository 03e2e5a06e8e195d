/** A subscription's batching, decorator-free: the console's browser code imports the type. */

/** `batch` on a subscription: one signed request carries up to `maxEvents` events as a JSON array. */
export interface BatchConfig {
  /** Most events in one request (1–1000). */
  maxEvents: number;
  /** Longest the oldest due event waits for the batch to fill before a smaller batch goes (0–60000 ms). */
  maxWaitMs: number;
}

export const BATCH_LIMITS = { maxEvents: { min: 1, max: 1_000 }, maxWaitMs: { min: 0, max: 60_000, default: 1_000 } };

const intIn = (v: unknown, { min, max }: { min: number; max: number }) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** What is wrong with a `batch` value, naming the field; undefined when it may be stored (null turns batching off). */
export function batchProblem(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return 'batch must be an object { maxEvents, maxWaitMs? } or null';
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => k !== 'maxEvents' && k !== 'maxWaitMs');
  if (unknown.length > 0) return `batch.${unknown[0]} is not a batch setting (maxEvents, maxWaitMs)`;
  const { maxEvents, maxWaitMs } = BATCH_LIMITS;
  if (!intIn(v.maxEvents, maxEvents)) return `batch.maxEvents must be an integer from ${maxEvents.min} to ${maxEvents.max}`;
  if (v.maxWaitMs !== undefined && !intIn(v.maxWaitMs, maxWaitMs)) return `batch.maxWaitMs must be an integer from ${maxWaitMs.min} to ${maxWaitMs.max} (ms)`;
  return undefined;
}

/** The stored form: maxWaitMs filled in. */
export const normalizeBatch = (b: { maxEvents: number; maxWaitMs?: number } | null): BatchConfig | null =>
  b === null ? null : { maxEvents: b.maxEvents, maxWaitMs: b.maxWaitMs ?? BATCH_LIMITS.maxWaitMs.default };

/**
 * What a subscription cannot combine with batching, naming the field; undefined when it can.
 * fifo: a failing batch would hold every key behind it (the whole batch succeeds or fails), which
 * undoes the per-key independence fifo promises. rateLimitPerSecond: a batch lane sends one request
 * at a time, so a per-request rate would not mean what it says.
 */
export function batchConflict(s: { batch: BatchConfig | null; ordering: string; rateLimitPerSecond: number | null }): string | undefined {
  if (s.batch === null) return undefined;
  if (s.ordering === 'fifo') return 'batch cannot be combined with ordering "fifo": a batch is one request for many keys; use one or the other';
  if (s.rateLimitPerSecond !== null) return 'batch cannot be combined with rateLimitPerSecond: a batch subscription sends one request at a time';
  return undefined;
}
