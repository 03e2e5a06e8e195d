import { Logger } from '@nestjs/common';
import { isPostgresDataError, NonRetryableError } from '@app/events';
import { storableRow } from './storable-row.js';
import type { EventRow } from './event-row.js';
import type { RowWriter } from './insert-events.sql.js';

export interface EventBatcherOptions {
  /** Most rows in one INSERT (one transaction). */
  maxBatch: number;
  /** INSERTs running at once; each holds a pool connection (two reach the raw pipeline's rate). */
  maxInFlight: number;
  /** Most payload bytes in one INSERT, so that a run of large events makes smaller statements (one row at least). */
  maxBatchBytes: number;
}

export const DEFAULT_BATCHER_OPTIONS: EventBatcherOptions = { maxBatch: 500, maxInFlight: 2, maxBatchBytes: 16 * 1024 * 1024 };

/** What the batcher has done so far (for the bench and for diagnosis). */
export interface BatcherStats {
  batches: number;
  rows: number;
  /** Rows whose batch committed (stored now, or found already stored). */
  committed: number;
  largestBatch: number;
  /** Batches split because PostgreSQL refused a row for a data reason. */
  splits: number;
  /** Rows refused for good (their handlers got a NonRetryableError). */
  refused: number;
}

interface Waiting {
  row: EventRow;
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** An id short enough for a log line or a header, whatever its length (an over-long id is itself a reason for refusal). */
const shownId = (id: string): string => (id.length <= 80 ? id : `${id.slice(0, 40)}… (${[...id].length} characters)`);

function refusal(row: EventRow, err: unknown): NonRetryableError {
  const e = err as { message?: string; detail?: string; code?: string };
  // The detail repeats the whole row: left out when it would drown the reason.
  const detail = e.detail && e.detail.length <= 300 ? ` (${e.detail})` : '';
  return new NonRetryableError(`PostgreSQL refused event ${shownId(row.id)}: ${e.message ?? String(err)}${detail} [SQLSTATE ${e.code}]`);
}

/**
 * Group commit for the writer: handlers hand over rows, and each handler's promise settles only
 * when the batch holding its row has committed (so the transport acks only then) or failed.
 *
 * No timer: when an INSERT slot is free, what has arrived is written at once (after the current
 * turn of the event loop, so a burst the transport dispatches together goes in one statement);
 * while all slots are busy, rows accumulate and the next free slot takes up to `maxBatch` of them.
 * Light load gives small, immediate batches; heavy load gives full ones.
 *
 * A failed batch rejects every handler with the error (→ nak and back off: nothing is acked while
 * PostgreSQL is away). When PostgreSQL refused a row for a data reason (SQLSTATE 22/23: a NUL
 * in text, a time out of range), the batch is split in halves and retried until only the rows
 * it refuses are left; those fail with a NonRetryableError (→ dead-lettered with the reason),
 * the rest commit.
 */
export class EventBatcher {
  private readonly logger = new Logger(EventBatcher.name);
  private readonly options: EventBatcherOptions;
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  readonly stats: BatcherStats = { batches: 0, rows: 0, committed: 0, largestBatch: 0, splits: 0, refused: 0 };

  constructor(
    private readonly write: RowWriter,
    options: Partial<EventBatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_BATCHER_OPTIONS, ...options };
    if (!(this.options.maxBatch >= 1 && this.options.maxInFlight >= 1)) {
      throw new Error(`EventBatcher: maxBatch and maxInFlight must be at least 1 (got ${JSON.stringify(this.options)})`);
    }
  }

  /** Rows waiting for a slot (not counting those being written). */
  get waiting(): number {
    return this.queue.length;
  }

  /** INSERTs running now. */
  get running(): number {
    return this.inFlight;
  }

  /**
   * Resolves once `row` is committed (or was already stored); rejects when its batch failed.
   * `bytes`: the size of the event as received, for the batch's byte budget.
   */
  add(row: EventRow, bytes = 0): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, bytes, resolve, reject });
      if (this.inFlight >= this.options.maxInFlight) return; // accumulates until a slot frees
      if (this.queue.length >= this.options.maxBatch) this.startBatch();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flushNow);
      }
    });
  }

  private readonly flushNow = (): void => {
    this.scheduled = false;
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) this.startBatch();
  };

  private startBatch(): void {
    const { maxBatch, maxBatchBytes } = this.options;
    let take = Math.min(this.queue.length, maxBatch);
    for (let i = 0, bytes = 0; i < take; i++) {
      bytes += this.queue[i].bytes;
      if (bytes > maxBatchBytes) take = Math.max(1, i);
    }
    const batch = take === this.queue.length ? this.queue : this.queue.slice(0, take);
    this.queue = batch === this.queue ? [] : this.queue.slice(take);
    this.inFlight++;
    this.stats.batches++;
    this.stats.rows += batch.length;
    if (batch.length > this.stats.largestBatch) this.stats.largestBatch = batch.length;
    void this.writeBatch(batch).finally(() => {
      this.inFlight--;
      // Group commit: what arrived meanwhile goes now, in one statement.
      if (this.queue.length > 0) this.startBatch();
    });
  }

  /** Writes `batch`, settling every promise in it; never rejects. */
  private async writeBatch(batch: Waiting[]): Promise<void> {
    try {
      await this.write(batch.map((w) => w.row));
    } catch (err) {
      if (!isPostgresDataError(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      if (batch.length === 1) {
        // Checked only here, on a refusal: the hot path pays nothing for the rare foreign event.
        const escaped = storableRow(batch[0].row);
        if (escaped) return this.writeBatch([{ ...batch[0], row: escaped }]);
        this.stats.refused++;
        const refused = refusal(batch[0].row, err);
        this.logger.warn(refused.message);
        batch[0].reject(refused);
        return;
      }
      // Isolate the rows PostgreSQL refuses: halves, recursively (2·log2(n) statements for one bad row).
      this.stats.splits++;
      const half = batch.length >> 1;
      await this.writeBatch(batch.slice(0, half));
      await this.writeBatch(batch.slice(half));
      return;
    }
    this.stats.committed += batch.length;
    for (const w of batch) w.resolve();
  }
}
