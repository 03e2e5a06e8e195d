import { Inject, Injectable, Logger } from '@nestjs/common';
import { isPostgresDataError, NonRetryableError } from '@app/events';
import { DataSource, EntityManager } from 'typeorm';
import type { IndexOperation } from '../mapping/index-mapping.js';
import { RecordRejectedError } from '../providers/provider-errors.js';
import { SEARCH_PROVIDER, type SearchProvider } from '../providers/search-provider.js';
import { newestPerObject } from './order-guard.js';
import { inIndexWrite, type ReindexTarget } from './index-lock.js';
import { SearchSyncMetrics } from './search-sync.metrics.js';

/** Per operation: undefined when applied (or overtaken by a newer one), else why it was refused for good. */
export type ApplyOutcome = NonRetryableError | undefined;

/**
 * Applies a batch of operations to the index through the order guard, in one transaction holding
 * the shared index lock (see `inIndexWrite`):
 * 1. keep the newest operation per object (the others are overtaken);
 * 2. copy each to the temporary index of a reindex running for its index (so live changes reach it);
 * 3. the provider applies those newer than the last applied to their object, through its order
 *    guard (the rest are late, redelivered or replayed: they change nothing); commit only after
 *    it accepted them.
 * A refused record (by the provider, or by PostgreSQL for a data reason) is isolated by splitting
 * the batch in halves; it alone fails, as non-retryable.
 * Any other failure rejects (nothing committed: the guard rolls back).
 */
@Injectable()
export class SyncApplier {
  private readonly logger = new Logger(SyncApplier.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SEARCH_PROVIDER) private readonly provider: SearchProvider,
    private readonly metrics: SearchSyncMetrics,
  ) {}

  async apply(ops: readonly IndexOperation[]): Promise<ApplyOutcome[]> {
    const outcomes: ApplyOutcome[] = new Array(ops.length).fill(undefined);
    const started = performance.now();
    const result = { applied: 0, refused: 0 };
    try {
      await this.applyPart(ops, 0, outcomes, result);
    } catch (err) {
      this.metrics.batch(ops.length, (performance.now() - started) / 1000, undefined);
      throw err;
    }
    result.refused = outcomes.filter(Boolean).length;
    this.metrics.batch(ops.length, (performance.now() - started) / 1000, result);
    return outcomes;
  }

  /** `part` is the batch's operations from position `from` on (halves are contiguous, so no per-operation bookkeeping). */
  private async applyPart(part: readonly IndexOperation[], from: number, outcomes: ApplyOutcome[], result: { applied: number }): Promise<void> {
    try {
      result.applied += await this.applyOnce(part);
    } catch (err) {
      if (!(err instanceof RecordRejectedError)) throw err;
      if (part.length === 1) {
        const op = part[0];
        // The provider's words first: Mesh-Error keeps 200 characters, and the DLQ body names the event.
        const refused = new NonRetryableError(`${this.provider.name} refused the record: ${err.message} [${op.index}/${op.objectID}, event ${op.eventId}]`);
        this.logger.warn(refused.message);
        outcomes[from] = refused;
        return;
      }
      const half = part.length >> 1;
      await this.applyPart(part.slice(0, half), from, outcomes, result);
      await this.applyPart(part.slice(half), from + half, outcomes, result);
    }
  }

  /** Returns how many of `ops` (their copies for a reindex not counted) changed the index. */
  private async applyOnce(ops: readonly IndexOperation[]): Promise<number> {
    try {
      let copied = false;
      const winners = await inIndexWrite(this.dataSource, (tx, reindexes) => {
        const all = withReindexCopies(ops, reindexes);
        copied = all !== ops;
        return this.applyWithin(tx, all);
      });
      if (!copied) return winners.length;
      const given = new Set(ops);
      return winners.filter((w) => given.has(w)).length;
    } catch (err) {
      // PostgreSQL refusing a row (a NUL in the record, a time out of range) would fail every retry of the batch.
      if (!isPostgresDataError(err)) throw err;
      const e = err as { message: string; code: string };
      throw new RecordRejectedError(`PostgreSQL refused it: ${e.message} [SQLSTATE ${e.code}]`);
    }
  }

  /**
   * Steps 1 and 3 inside the caller's transaction, which holds the index lock (a reindex's swap
   * catching up under its exclusive lock). Returns the operations that changed the index.
   */
  async applyWithin(tx: EntityManager, ops: readonly IndexOperation[]): Promise<IndexOperation[]> {
    return this.provider.write(newestPerObject(ops), tx);
  }
}

/** Adds, for each index being rebuilt, a copy of its operations aimed at the temporary index. */
function withReindexCopies(ops: readonly IndexOperation[], reindexes: readonly ReindexTarget[]): readonly IndexOperation[] {
  if (reindexes.length === 0) return ops;
  const temps = new Map(reindexes.map((j) => [j.index_name, j.temp_index]));
  return ops.flatMap((op) => {
    const temp = temps.get(op.index);
    return temp ? [op, { ...op, index: temp }] : [op];
  });
}
