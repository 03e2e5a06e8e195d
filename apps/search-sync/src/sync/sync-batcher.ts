import { Logger } from '@nestjs/common';
import { GroupCommit, ItemFailure, type BatchReport } from '@app/events';
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

/** The index's last answers, for `/health/events`. */
export interface SyncBatchHealth {
  lastSuccessAt?: string;
  lastError?: string;
}

/** Applies a batch; resolves with one outcome per operation, rejects when the whole batch failed. */
export type BatchApplier = (ops: readonly IndexOperation[]) => Promise<ApplyOutcome[]>;

const logger = new Logger('SyncBatcher');

/** The applier as a GroupCommit writer: a refused record fails alone, and the last answers are kept for health. */
function recordingWriter(apply: BatchApplier, health: SyncBatchHealth) {
  return async (ops: IndexOperation[]) => {
    let outcomes: ApplyOutcome[];
    try {
      outcomes = await apply(ops);
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      health.lastError = `${new Date().toISOString()} ${message}`;
      logger.warn(`batch of ${ops.length} not accepted by the index: ${message}`);
      throw err;
    }
    health.lastSuccessAt = new Date().toISOString();
    return outcomes.map((refused) => (refused ? new ItemFailure(refused) : undefined));
  };
}

/**
 * Group commit into the index: each handler's promise settles only once the batch holding its
 * operation was accepted by the index (so the transport acks only then) or failed (nak, or
 * dead-letter for a refused record). A batch goes out when `maxBatch` operations wait, or
 * `flushIntervalMs` after the first one arrived: a busy index gets full batches, a quiet one short waits.
 */
export class SyncBatcher extends GroupCommit<IndexOperation> {
  readonly health: SyncBatchHealth;

  constructor(apply: BatchApplier, options: SyncBatcherOptions, onBatch?: (report: BatchReport) => void) {
    const health: SyncBatchHealth = {};
    super({ name: 'search-sync', ...options, onBatch }, recordingWriter(apply, health));
    this.health = health;
  }
}
