import { Logger } from '@nestjs/common';
import { GroupCommit, isPostgresDataError, NonRetryableError, type BatchReport } from '@app/events';
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

/** A row to store, with the size of the event as received (for the byte budget). */
export interface PendingEvent {
  row: EventRow;
  bytes: number;
}

/** An id short enough for a log line or a header, whatever its length (an over-long id is itself a reason for refusal). */
const shownId = (id: string): string => (id.length <= 80 ? id : `${id.slice(0, 40)}… (${[...id].length} characters)`);

function refusal(row: EventRow, err: unknown): NonRetryableError {
  const e = err as { message?: string; detail?: string; code?: string };
  // The detail repeats the whole row: left out when it would drown the reason.
  const detail = e.detail && e.detail.length <= 300 ? ` (${e.detail})` : '';
  return new NonRetryableError(`PostgreSQL refused event ${shownId(row.id)}: ${e.message ?? String(err)}${detail} [SQLSTATE ${e.code}]`);
}

/** Writes the rows; a lone row PostgreSQL refuses is tried once more with its unstorable text escaped. */
async function writeEvents(write: RowWriter, events: PendingEvent[]): Promise<void> {
  const rows = events.map((e) => e.row);
  try {
    await write(rows);
  } catch (err) {
    // Checked only on a lone refused row: the hot path pays nothing for the rare foreign event.
    const escaped = rows.length === 1 && isPostgresDataError(err) ? storableRow(rows[0]) : undefined;
    if (!escaped) throw err;
    await write([escaped]);
  }
}

/**
 * The writer's group commit (ack after the INSERT commits), batching what one turn of the event
 * loop delivers. A failed batch rejects every handler (→ nak: nothing is acked while PostgreSQL
 * is away). When PostgreSQL refused a row for a data reason (SQLSTATE 22/23: a NUL in text, a
 * time out of range), the batch is split until only the rows it refuses are left; those fail with
 * a NonRetryableError (→ dead-lettered with the reason), the rest commit.
 */
export class EventBatcher extends GroupCommit<PendingEvent> {
  private static readonly logger = new Logger(EventBatcher.name);

  constructor(write: RowWriter, options: Partial<EventBatcherOptions> = {}, onBatch?: (report: BatchReport) => void) {
    super(
      {
        name: 'event-store',
        ...DEFAULT_BATCHER_OPTIONS,
        ...options,
        sizeOf: (e) => e.bytes,
        isolate: isPostgresDataError,
        refuse: (e, err) => {
          const refused = refusal(e.row, err);
          EventBatcher.logger.warn(refused.message);
          return refused;
        },
        onBatch,
      },
      (events) => writeEvents(write, events),
    );
  }
}
