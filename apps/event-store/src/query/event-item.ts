import type { EventRow } from './sql/event-row.js';

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

/**
 * Envelope attributes held in columns: a stored extension of the same name never overrides them.
 * (`datacontenttype` is not one: the writer keeps it in `extensions` when it is not the default.)
 */
const ATTRIBUTES = new Set([
  'specversion', 'id', 'source', 'type', 'time', 'subject', 'dataschema', 'data',
  'level', 'resourcetype', 'resourceid', 'actor', 'audience', 'correlationid', 'causationid',
  'receivedAt', 'streamSeq', 'resolved', 'resolvedAt', 'resolvedBy',
]);

/** Millisecond times (what `EventsService` sends) read back as `toISOString()` wrote them; finer ones keep their digits. */
const envelopeTime = (utc: string): string => utc.replace(/(\.\d{3})000Z$/, '$1Z');

const optional = (name: string, value: string | null): Record<string, string> => (value === null ? {} : { [name]: value });

export function toEventItem(row: EventRow): EventItem {
  const extensions = Object.entries(row.extensions ?? {}).filter(([name]) => !ATTRIBUTES.has(name));
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    time: envelopeTime(row.time_utc),
    ...optional('subject', row.subject),
    datacontenttype: 'application/json',
    ...optional('dataschema', row.dataschema),
    data: row.data,
    level: row.level,
    ...optional('resourcetype', row.resource_type),
    ...optional('resourceid', row.resource_id),
    ...optional('actor', row.actor),
    ...optional('audience', row.audience),
    ...optional('correlationid', row.correlation_id),
    ...optional('causationid', row.causation_id),
    ...Object.fromEntries(extensions),
    receivedAt: row.received_at.toISOString(),
    streamSeq: row.stream_seq === null ? null : Number(row.stream_seq),
    resolved: row.resolved,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolvedBy: row.resolved_by,
  };
}
