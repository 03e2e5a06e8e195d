import { Logger } from '@nestjs/common';
import type { IndexOperation } from '../mapping/index-mapping.js';
import type { ApplyOutcome } from './sync-applier.js';

export interface SyncBatcherOptions {
  /** Most operations in one provider call (Algolia takes 1,000 per batch call). */
  maxBatch: number;
  /** How long the first waiting operation waits for others before a batch goes out. */
  flushIntervalMs: number;
  /** Batches sent at once. */
  maxInFlight: number;
}

/** What the batcher has done (health and bench). */
export interface SyncBatcherStats {
  batches: number;
  operations: number;
  largestBatch: number;
  failedBatches: number;
  lastSuccessAt?: string;
  lastError?: string;
}

/** Applies a batch; resolves with one outcome per operation, rejects when the whole batch failed. */
export type BatchApplier = (ops: readonly IndexOperation[]) => Promise<ApplyOutcome[]>;

interface Waiting {
  op: IndexOperation;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit into the index: handlers hand over operations and each handler's promise settles
 * only once the batch holding its operation was accepted by the index (so the transport acks
 * only then) or failed (nak, or dead-letter for a refused record).
 *
 * A batch goes out when `maxBatch` operations wait, or `flushIntervalMs` after the first one
 * arrived. While `maxInFlight` batches are out, operations accumulate and the next free slot takes
 * up to `maxBatch` of them at once, so a busy index gets full batches and a quiet one short waits.
 */
export class SyncBatcher {
  private readonly logger = new Logger(SyncBatcher.name);
  private queue: Waiting[] = [];
  private inFlight = 0;
  private inFlightOps = 0;
  private timer?: NodeJS.Timeout;
  readonly stats: SyncBatcherStats = { batches: 0, operations: 0, largestBatch: 0, failedBatches: 0 };

  constructor(
    private readonly applyBatch: BatchApplier,
    private readonly options: SyncBatcherOptions,
  ) {
    if (!(options.maxBatch >= 1 && options.maxInFlight >= 1 && options.flushIntervalMs >= 0)) {
      throw new Error(`SyncBatcher: maxBatch and maxInFlight must be at least 1 and flushIntervalMs not negative (got ${JSON.stringify(options)})`);
    }
  }

  /** Operations handed over and not yet accepted by the index (waiting and being sent). */
  get backlog(): number {
    return this.queue.length + this.inFlightOps;
  }

  /** Resolves once `op` is in the index (or was overtaken by a newer event); rejects with why not. */
  add(op: IndexOperation): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (this.inFlight >= this.options.maxInFlight) return; // taken by the next free slot
      if (this.queue.length >= this.options.maxBatch) this.startBatch();
      else this.timer ??= setTimeout(this.flushDue, this.options.flushIntervalMs);
    });
  }

  private readonly flushDue = (): void => {
    this.timer = undefined;
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) this.startBatch();
  };

  private startBatch(): void {
    if (this.timer && this.queue.length <= this.options.maxBatch) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.inFlight++;
    this.inFlightOps += batch.length;
    this.stats.batches++;
    this.stats.operations += batch.length;
    if (batch.length > this.stats.largestBatch) this.stats.largestBatch = batch.length;
    void this.send(batch).finally(() => {
      this.inFlight--;
      this.inFlightOps -= batch.length;
      // Group commit: what accumulated meanwhile goes now.
      if (this.queue.length >= this.options.maxBatch || (this.queue.length > 0 && !this.timer)) this.startBatch();
    });
  }

  /** Sends `batch`, settling every promise in it; never rejects. */
  private async send(batch: Waiting[]): Promise<void> {
    let outcomes: ApplyOutcome[];
    try {
      outcomes = await this.applyBatch(batch.map((w) => w.op));
    } catch (err) {
      this.stats.failedBatches++;
      this.stats.lastError = `${new Date().toISOString()} ${(err as Error).message ?? String(err)}`;
      this.logger.warn(`batch of ${batch.length} not accepted by the index: ${(err as Error).message}`);
      for (const w of batch) w.reject(err);
      return;
    }
    this.stats.lastSuccessAt = new Date().toISOString();
    batch.forEach((w, i) => (outcomes[i] ? w.reject(outcomes[i]) : w.resolve()));
  }

  /** Sends what waits now instead of after the flush interval (shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.flushDue();
  }
}
