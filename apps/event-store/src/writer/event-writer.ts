import { Logger } from '@nestjs/common';
import { isPostgresDataError, NonRetryableError, type BatchReport, type EventBatchOptions } from '@app/events';
import { storableRow } from './storable-row.js';
import type { EventRow } from './event-row.js';
import type { RowWriter } from './insert-events.sql.js';

/**
 * How the transport hands the writer its events (`@EventBatchPattern` options): at most 500 rows
 * and 16 MiB of events per INSERT (one transaction), two INSERTs at once, each holding a pool
 * connection (two reach the raw pipeline's rate).
 */
export const WRITER_BATCH = { maxEvents: 500, maxInFlight: 2, maxBytes: 16 * 1024 * 1024 } satisfies EventBatchOptions;

/** What the writer has done so far (the bench and tests read it). */
export interface EventWriterStats {
  /** Batches handed to the writer (splits not counted). */
  batches: number;
  /** Rows handed to the writer. */
  items: number;
  largestBatch: number;
  /** Rows whose INSERT committed. */
  committed: number;
  /** Rows PostgreSQL refused alone, after the splits. */
  refused: number;
  /** Statements split in halves because PostgreSQL refused a row of theirs for a data reason. */
  splits: number;
  /** Batches that failed as a whole (PostgreSQL away): every row naked. */
  failedBatches: number;
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
 * Writes a batch's rows in one INSERT, commit before ack (the transport acks after `write`
 * resolves). When PostgreSQL refuses the statement for a data reason (SQLSTATE 22/23: a NUL in
 * text, a time out of range), the rows are split in halves until only the rows it refuses are
 * left: a lone refused row is tried once more with its unstorable text escaped, else it is
 * returned as refused (→ dead-lettered with the reason) and the rest commit. Any other failure
 * (PostgreSQL away, also in the middle of a split) rejects, failing the whole batch (→ nak).
 */
export class EventWriter {
  private static readonly logger = new Logger(EventWriter.name);
  readonly stats: EventWriterStats = { batches: 0, items: 0, largestBatch: 0, committed: 0, refused: 0, splits: 0, failedBatches: 0 };
  private inFlight = 0;

  constructor(
    private readonly writeRows: RowWriter,
    private readonly onBatch?: (report: BatchReport) => void,
  ) {}

  /** Writes running now. */
  get running(): number {
    return this.inFlight;
  }

  /**
   * Writes `rows`; resolves with the rows PostgreSQL refused, by index, each with its reason.
   * @param gatheredAt when the batch's first event arrived (performance.now()), for the wait metric
   */
  async write(rows: EventRow[], gatheredAt = performance.now()): Promise<Map<number, NonRetryableError>> {
    const refused = new Map<number, NonRetryableError>();
    this.stats.batches++;
    this.stats.items += rows.length;
    if (rows.length > this.stats.largestBatch) this.stats.largestBatch = rows.length;
    this.inFlight++;
    try {
      await this.writeRange(rows, 0, rows.length, refused, gatheredAt);
    } catch (err) {
      this.stats.failedBatches++;
      throw err;
    } finally {
      this.inFlight--;
    }
    return refused;
  }

  /** Writes rows[from, to), splitting on a data error; records the lone rows refused. */
  private async writeRange(rows: EventRow[], from: number, to: number, refused: Map<number, NonRetryableError>, gatheredAt: number): Promise<void> {
    const part = from === 0 && to === rows.length ? rows : rows.slice(from, to);
    const started = performance.now();
    try {
      await this.writeEscaping(part);
      this.report(part.length, gatheredAt, started, 'committed');
      this.stats.committed += part.length;
      return;
    } catch (err) {
      this.report(part.length, gatheredAt, started, 'failed');
      if (!isPostgresDataError(err)) throw err;
      if (part.length === 1) {
        const reason = refusal(part[0], err);
        EventWriter.logger.warn(reason.message);
        this.stats.refused++;
        refused.set(from, reason);
        return;
      }
    }
    // Isolate the rows at fault: halves, one after the other (2·log2(n) statements for one bad row).
    this.stats.splits++;
    const half = (from + to) >> 1;
    await this.writeRange(rows, from, half, refused, gatheredAt);
    await this.writeRange(rows, half, to, refused, gatheredAt);
  }

  /** Writes the rows; a lone row PostgreSQL refuses is tried once more with its unstorable text escaped. */
  private async writeEscaping(rows: EventRow[]): Promise<void> {
    try {
      await this.writeRows(rows);
    } catch (err) {
      // Checked only on a lone refused row: the hot path pays nothing for the rare foreign event.
      const escaped = rows.length === 1 && isPostgresDataError(err) ? storableRow(rows[0]) : undefined;
      if (!escaped) throw err;
      await this.writeRows([escaped]);
    }
  }

  private report(size: number, gatheredAt: number, started: number, outcome: BatchReport['outcome']): void {
    this.onBatch?.({ name: 'event-store', size, waitMs: started - gatheredAt, writeMs: performance.now() - started, outcome });
  }
}
