import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { REINDEX_STALE_AFTER_SECONDS } from '../reindex/reindex-job.js';

/** Any fixed number: the advisory lock between index writes (shared) and a reindex swap (exclusive). */
const INDEX_SWAP_LOCK = 7_413_305;

/** Taken by a reindex's swap, in every replica's view at once. */
export const lockForSwap = (tx: EntityManager) => tx.query('SELECT pg_advisory_xact_lock($1)', [INDEX_SWAP_LOCK]);

/** A reindex running now: live writes to `index` are copied to `tempIndex`. */
export interface ReindexTarget {
  index_name: string;
  temp_index: string;
}

/**
 * BEGIN, the shared index lock and the running reindexes, as three statements in one round trip
 * (the simple query protocol, hence constants instead of parameters). Each statement still takes
 * its own snapshot under READ COMMITTED, so the lookup runs after the lock was granted and sees a
 * swap that committed while this batch waited for it.
 */
const OPEN_WRITE = `BEGIN;
SELECT pg_advisory_xact_lock_shared(${INDEX_SWAP_LOCK});
SELECT index_name, temp_index FROM search_reindex_jobs
 WHERE status IN ('running', 'swapping') AND heartbeat_at > now() - make_interval(secs => ${Number(REINDEX_STALE_AFTER_SECONDS)})`;

const logger = new Logger('IndexWrite');

/** What node-postgres answers for each statement of a multi-statement query. */
interface StatementResult {
  rows: unknown[];
}

/**
 * Runs `work` in a transaction holding the shared index lock (batches run side by side, a swap
 * waits for them and holds new ones back), handing it the reindexes running now. Three round trips
 * in all (open, the work's statements, COMMIT) where BEGIN, lock, lookup and COMMIT took four.
 * The transaction is opened by hand because TypeORM's `transaction()` sends BEGIN on its own.
 */
export async function inIndexWrite<R>(dataSource: DataSource, work: (tx: EntityManager, reindexes: ReindexTarget[]) => Promise<R>): Promise<R> {
  const runner: QueryRunner = dataSource.createQueryRunner();
  let open = false;
  try {
    const client = (await runner.connect()) as { query(sql: string): Promise<StatementResult[]> };
    open = true; // from here on the connection may hold a transaction, even if the rest of the statements failed
    const results = await client.query(OPEN_WRITE);
    const result = await work(runner.manager, results[2].rows as ReindexTarget[]);
    await runner.query('COMMIT');
    open = false;
    return result;
  } catch (err) {
    // The batch's own error is what the caller gets; a connection too broken to roll back is dropped by the pool's error handler.
    if (open) await runner.query('ROLLBACK').catch((rollbackErr: Error) => logger.warn(`ROLLBACK after a failed index write failed too: ${rollbackErr.message}`));
    throw err;
  } finally {
    await runner.release();
  }
}
