/** Runs one SQL statement with parameters (a pg Client, Pool, or a TypeORM DataSource's `query`). */
export type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

export interface RebuiltSummaries {
  /** Rows of `event_rollup` (hour × type × level × source) after the rebuild. */
  buckets: number;
  /** Rows of `event_types`. */
  types: number;
}

/**
 * Recomputes every summary (the hourly and daily rollups, the per-hour and per-day totals, day × type,
 * day × source × level, and `event_types`) from `events` in one transaction (the database's
 * `rebuild_event_summaries()`): writers wait meanwhile, readers do not. For an upgrade that brought
 * the summaries to an existing history, or a repair after editing `events` by hand (UPDATE of
 * type, level, source or time is not followed by the summaries).
 */
export async function rebuildEventSummaries(query: Query): Promise<RebuiltSummaries> {
  const result = await query('SELECT buckets::int AS buckets, types::int AS types FROM rebuild_event_summaries()');
  // pg returns { rows }, TypeORM the rows themselves.
  const rows = (Array.isArray(result) ? result : (result as { rows: RebuiltSummaries[] }).rows) as RebuiltSummaries[];
  return rows[0];
}
