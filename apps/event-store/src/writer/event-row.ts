import type { CloudEvent } from '@app/events';

/**
 * Where a row keeps its Persian sentence (the `message` column): under a symbol, which the batch's
 * `JSON.stringify` leaves out, so the sentences travel as a parameter of their own. One Persian
 * character makes V8 build the whole batch's JSON as a two-byte string, and stringifying it and
 * encoding it to UTF-8 for the wire then cost about twice as much as for the one-byte JSON of an
 * ASCII batch (330 bench rows: ~20–25 against ~10–11 µs per row, load 13–20).
 */
export const SENTENCE: unique symbol = Symbol('message');

/**
 * One `events` row as the writer sends it: keys are the column names, absent keys are NULL. A batch
 * travels as one JSON array (`json_to_recordset`), so `data` and `extensions` stay objects here.
 */
export interface EventRow {
  id: string;
  stream_seq?: number;
  type: string;
  source: string;
  subject?: string;
  resource_type?: string;
  resource_id?: string;
  level: string;
  audience?: string;
  actor?: string;
  correlation_id?: string;
  causation_id?: string;
  dataschema?: string;
  /** The envelope's `time` as sent (RFC 3339); PostgreSQL parses it, keeping sub-millisecond digits. */
  time: string;
  /** When this app received the delivery (ISO). */
  received_at: string;
  data: unknown;
  /** Every other envelope attribute (traceparent, custom extensions). */
  extensions: Record<string, unknown>;
  /** The sentences of the event for its audience, rendered by the writer (Persian, English), and its category. */
  [SENTENCE]?: string;
  message_en?: string;
  category?: string;
}

/**
 * Envelope attributes that have a column of their own (or are fixed by the contract: `specversion`
 * is always "1.0"). Everything else lands in `extensions`, so the envelope can be rebuilt as sent.
 */
const MAPPED = new Set([
  'specversion', 'id', 'source', 'type', 'time', 'subject', 'dataschema', 'data',
  'level', 'resourcetype', 'resourceid', 'actor', 'audience', 'correlationid', 'causationid',
]);
/** `datacontenttype` is kept in `extensions` only when it differs from the contract's. */
const DEFAULT_CONTENT_TYPE = 'application/json';

/** A text column's value: strings as they are, absent as NULL, anything else (a number, say) as JSON text. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Maps a parsed envelope to its row. `streamSeq` is the EVENTS stream sequence, or undefined for a
 * delivery that came another way (a replay leaves the row first stored, with its sequence, as it is).
 * `receivedAt` may come as its ISO text, so that a batch formats its one time once, not per row.
 */
export function toEventRow(event: CloudEvent, streamSeq: number | undefined, receivedAt: Date | string): EventRow {
  // No prototype: a `__proto__` key of the envelope stays an ordinary key.
  const extensions: Record<string, unknown> = Object.create(null);
  for (const key in event) {
    if (MAPPED.has(key)) continue;
    if (key === 'datacontenttype' && event.datacontenttype === DEFAULT_CONTENT_TYPE) continue;
    extensions[key] = event[key];
  }
  return {
    id: event.id,
    stream_seq: streamSeq,
    type: event.type,
    source: event.source,
    subject: text(event.subject),
    resource_type: text(event.resourcetype),
    resource_id: text(event.resourceid),
    level: event.level ?? 'info',
    audience: text(event.audience),
    actor: text(event.actor),
    correlation_id: text(event.correlationid),
    causation_id: text(event.causationid),
    dataschema: text(event.dataschema),
    time: event.time,
    received_at: typeof receivedAt === 'string' ? receivedAt : receivedAt.toISOString(),
    data: event.data ?? null,
    extensions,
  };
}
