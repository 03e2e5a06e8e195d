import type { EventRow } from '../store/stored-event-row.js';
import { envelopeOf } from '../store/stored-envelope.js';

/**
 * An event as the query API returns it: the CloudEvents envelope as it was published (optional
 * attributes absent rather than null, extensions spread back), plus what the store knows about it.
 */
export interface EventItem {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: string;
  dataschema?: string;
  data: unknown;
  level: string;
  resourcetype?: string;
  resourceid?: string;
  actor?: string;
  audience?: string;
  correlationid?: string;
  causationid?: string;
  [extension: string]: unknown;
  receivedAt: string;
  streamSeq: number | null;
  resolved: boolean;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

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
