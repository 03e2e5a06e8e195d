/** The columns every event query selects; `time_utc` keeps PostgreSQL's microseconds (cursor, and `time` as sent). */
export const EVENT_COLUMNS = `id, stream_seq, type, source, subject, resource_type, resource_id, level, audience, actor,
  correlation_id, causation_id, dataschema, time, received_at, data, extensions, resolved, resolved_at, resolved_by, message, message_en, category,
  to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time_utc`;

/** One `events` row as node-postgres returns it (timestamptz → Date, jsonb → value, bigint → string). */
export interface EventRow {
  id: string;
  stream_seq: string | null;
  type: string;
  source: string;
  subject: string | null;
  resource_type: string | null;
  resource_id: string | null;
  level: string;
  audience: string | null;
  actor: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  dataschema: string | null;
  time: Date;
  received_at: Date;
  data: unknown;
  extensions: Record<string, unknown> | null;
  resolved: boolean;
  resolved_at: Date | null;
  resolved_by: string | null;
  /** Rendered at write time; null for events stored before sentences existed. */
  message: string | null;
  message_en: string | null;
  category: string | null;
  /** `time` in UTC with all six fractional digits, e.g. `2025-03-01T22:00:00.123456Z`. */
  time_utc: string;
}
