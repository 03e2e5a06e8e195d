import type { EventRow } from '../store/stored-event-row.js';
import { envelopeOf } from '../store/stored-envelope.js';
import type { EventItem } from './query.views.js';
export type { EventItem } from './query.views.js';

/** The envelope as published, then what the store knows (which no stored extension can override). */
export function toEventItem(row: EventRow): EventItem {
  return {
    ...(envelopeOf(row) as EventItem),
    receivedAt: row.received_at.toISOString(),
    streamSeq: row.stream_seq === null ? null : Number(row.stream_seq),
    resolved: row.resolved,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolvedBy: row.resolved_by,
  };
}
