import type { EntityManager } from 'typeorm';

/** Any fixed number: the advisory lock between index writes (shared) and a reindex swap (exclusive). */
const INDEX_SWAP_LOCK = 7_413_305;

/** Taken by every batch: batches run side by side, a swap waits for them and holds new ones back. */
export const lockForWrite = (tx: EntityManager) => tx.query('SELECT pg_advisory_xact_lock_shared($1)', [INDEX_SWAP_LOCK]);

/** Taken by a reindex's swap, in every replica's view at once. */
export const lockForSwap = (tx: EntityManager) => tx.query('SELECT pg_advisory_xact_lock($1)', [INDEX_SWAP_LOCK]);
