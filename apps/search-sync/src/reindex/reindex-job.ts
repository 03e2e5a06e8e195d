export type ReindexStatus = 'running' | 'swapping' | 'done' | 'failed';

/** A reindex as `GET /search/reindex/:id` shows it. */
export interface ReindexJob {
  id: string;
  index: string;
  tempIndex: string;
  status: ReindexStatus;
  /** Events read from the event store's history. */
  eventsRead: number;
  /** Index operations built from them and applied to the temporary index. */
  operationsApplied: number;
  /** Records the index refused (too big, invalid); logged, left out. */
  recordsRejected: number;
  /** Changes the live index had and the history read had not (yet), fetched by event id before the swap. */
  caughtUp: number;
  /** Objects whose last applied event the event store no longer has (retention): left out of the rebuilt index. */
  missingHistory: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** A job whose heartbeat is older than this died with its process: it no longer blocks a new one. */
export const REINDEX_STALE_AFTER_SECONDS = 120;
