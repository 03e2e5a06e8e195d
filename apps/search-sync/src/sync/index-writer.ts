import { Logger } from '@nestjs/common';
import type { BatchReport } from '@app/events';
import type { IndexOperation } from '../mapping/index-mapping.js';
import type { ApplyOutcome } from './sync-applier.js';

/** Applies a batch; resolves with one outcome per operation, rejects when the whole batch failed. */
export type BatchApplier = (ops: readonly IndexOperation[]) => Promise<ApplyOutcome[]>;

/** Called for an operation the index did not take: `j` is its position in the operations written. */
export type RefuseOperation = (j: number, error: unknown) => void;

/** The index's last answers, for `/health/events`. */
export interface SyncBatchHealth {
  lastSuccessAt?: string;
  lastError?: string;
}

/** Provider calls made and operations sent in them (health, benches). */
export interface IndexWriterStats {
  batches: number;
  items: number;
  largestBatch: number;
}

const logger = new Logger('IndexWriter');

/**
 * Sends one handler call's operations to the index in provider calls of at most `maxBatch` (Algolia
 * takes 1,000 per call), one after the other, and tells the caller which operations it did not
 * take: a refused record with its NonRetryableError, and, when a call fails as a whole (index down,
 * rate limit), that call's operations and every later one with its error (the index is not taking
 * writes: the rest are retried with them rather than sent). Keeps the last answers for health.
 */
export class IndexWriter {
  readonly health: SyncBatchHealth = {};
  readonly stats: IndexWriterStats = { batches: 0, items: 0, largestBatch: 0 };
  private writing = 0;

  constructor(
    private readonly apply: BatchApplier,
    private readonly maxBatch: number,
    private readonly onBatch?: (report: BatchReport) => void,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`IndexWriter: maxBatch must be an integer of at least 1 (got ${maxBatch})`);
  }

  /** Operations being sent to the index now. */
  get backlog(): number {
    return this.writing;
  }

  /**
   * Resolves once every operation was accepted or refused (never rejects: refusals go to `refuse`).
   * `gatheredAt` (performance.now()) is when the first of them arrived, for the wait metric.
   */
  async write(ops: readonly IndexOperation[], gatheredAt: number, refuse: RefuseOperation): Promise<void> {
    this.writing += ops.length;
    try {
      for (let from = 0; from < ops.length; from += this.maxBatch) {
        const part = from === 0 && ops.length <= this.maxBatch ? ops : ops.slice(from, from + this.maxBatch);
        this.stats.batches++;
        this.stats.items += part.length;
        if (part.length > this.stats.largestBatch) this.stats.largestBatch = part.length;
        const started = performance.now();
        let outcomes: ApplyOutcome[];
        try {
          outcomes = await this.apply(part);
        } catch (err) {
          this.report(part.length, gatheredAt, started, 'failed');
          const message = (err as Error).message ?? String(err);
          this.health.lastError = `${new Date().toISOString()} ${message}`;
          logger.warn(`batch of ${part.length} not accepted by the index: ${message}`);
          for (let j = from; j < ops.length; j++) refuse(j, err);
          return;
        }
        this.report(part.length, gatheredAt, started, 'committed');
        this.health.lastSuccessAt = new Date().toISOString();
        for (let k = 0; k < outcomes.length; k++) if (outcomes[k]) refuse(from + k, outcomes[k]);
      }
    } finally {
      this.writing -= ops.length;
    }
  }

  private report(size: number, gatheredAt: number, started: number, outcome: BatchReport['outcome']): void {
    this.onBatch?.({ name: 'search-sync', size, waitMs: started - gatheredAt, writeMs: performance.now() - started, outcome });
  }
}
