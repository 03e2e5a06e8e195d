import type { EntityManager } from 'typeorm';
import type { IndexOperation } from '../mapping/index-mapping.js';
import { type GuardAnswer, winners } from './order-guard.js';

/**
 * Claims guard rows: records each operation as the last applied to its object, but only where it
 * is newer (time, then id) than what is recorded; a delete leaves a tombstone. Returns the
 * operations that won. Run inside the transaction that applies them: the rows stay locked until it
 * commits (so concurrent batches and replicas touching the same object wait) and roll back with
 * it when the index refuses the batch. `ops` must hold one operation per object, sorted by key.
 */
export async function claimNewer<T extends IndexOperation>(tx: EntityManager, ops: readonly T[]): Promise<T[]> {
  if (ops.length === 0) return [];
  // One-letter keys: this JSON is built and parsed for every operation (as the local provider's).
  const rows = ops.map((op) => (op.action === 'delete' ? { i: op.index, o: op.objectID, t: op.eventTime, e: op.eventId, d: true } : { i: op.index, o: op.objectID, t: op.eventTime, e: op.eventId }));
  // All rows winning is the usual case: then one row with a count comes back instead of a key per operation.
  const [answer]: GuardAnswer[] = await tx.query(
    `WITH w AS (
       INSERT INTO search_sync_state AS s (index_name, object_id, event_time, event_id, deleted)
       SELECT i, o, t, e, d IS TRUE
         FROM json_to_recordset($1::json) AS r(i text, o text, t timestamptz, e text, d boolean)
         ORDER BY i, o
       ON CONFLICT (index_name, object_id) DO UPDATE
         SET event_time = excluded.event_time, event_id = excluded.event_id, deleted = excluded.deleted, applied_at = now()
         WHERE (excluded.event_time, excluded.event_id) > (s.event_time, s.event_id)
       RETURNING index_name, object_id)
     SELECT count(*)::int AS n, CASE WHEN count(*) < $2 THEN json_agg(json_build_array(index_name, object_id)) END AS won FROM w`,
    [JSON.stringify(rows), ops.length],
  );
  return winners(ops, answer);
}

/**
 * Objects whose last applied event in `live` is newer than in `temp` (or that `temp` lacks): what
 * the live path applied that a reindex's history read has not. Deletes count too (tombstones).
 */
export interface BehindRow {
  object_id: string;
  event_id: string;
  /** When the live index applied that event. */
  applied_at: Date;
}

export function objectsBehind(tx: EntityManager, live: string, temp: string): Promise<BehindRow[]> {
  return tx.query(
    `SELECT l.object_id, l.event_id, l.applied_at FROM search_sync_state l
       LEFT JOIN search_sync_state t ON t.index_name = $2 AND t.object_id = l.object_id
      WHERE l.index_name = $1 AND (t.object_id IS NULL OR (l.event_time, l.event_id) > (t.event_time, t.event_id))
      ORDER BY l.object_id`,
    [live, temp],
  );
}

/** The guard of a swapped-in index: `temp`'s rows become `live`'s (inside the swap's transaction). */
export async function swapGuard(tx: EntityManager, temp: string, live: string): Promise<void> {
  await tx.query('DELETE FROM search_sync_state WHERE index_name = $1', [live]);
  await tx.query('UPDATE search_sync_state SET index_name = $1 WHERE index_name = $2', [live, temp]);
}

export async function dropGuard(tx: EntityManager, index: string): Promise<void> {
  await tx.query('DELETE FROM search_sync_state WHERE index_name = $1', [index]);
}

/** Copies guard rows of some objects from one index to another (a reindex carrying over what history lacks). */
export async function copyGuard(tx: EntityManager, from: string, to: string, objectIDs: readonly string[]): Promise<void> {
  await tx.query(
    `INSERT INTO search_sync_state (index_name, object_id, event_time, event_id, deleted, applied_at)
     SELECT $2, object_id, event_time, event_id, deleted, applied_at FROM search_sync_state WHERE index_name = $1 AND object_id = ANY($3)
     ON CONFLICT (index_name, object_id) DO UPDATE
       SET event_time = excluded.event_time, event_id = excluded.event_id, deleted = excluded.deleted, applied_at = excluded.applied_at`,
    [from, to, objectIDs],
  );
}
