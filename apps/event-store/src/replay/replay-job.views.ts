/** A background replay as `GET /events/replay/:jobId` answers it, decorator-free: the console's browser code imports it with `import type`. */

export type ReplayJobState = 'running' | 'done' | 'failed' | 'cancelled';

/** A replay running in the background, as `GET /events/replay/:jobId` shows it. */
export interface ReplayJob {
  jobId: string;
  consumer: string;
  /** The filter as applied: the given fields plus `limit`. */
  filter: Record<string, unknown>;
  state: ReplayJobState;
  /** Events queued for the consumer so far. */
  queued: number;
  /** The most it will queue (the filter's `limit`). */
  limit: number;
  startedAt: string;
  finishedAt: string | null;
  /** Why it failed, or why it was cancelled. */
  error: string | null;
}
