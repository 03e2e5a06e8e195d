import type { CloudEvent, EventLevel } from '@app/events';
import type { EventRow } from './stored-event-row.js';

/** Attributes with a column of their own; any of them found in `extensions` is ignored. */
const COLUMN_ATTRIBUTES = new Set([
  'specversion', 'id', 'source', 'type', 'time', 'subject', 'dataschema', 'data',
  'level', 'resourcetype', 'resourceid', 'actor', 'audience', 'correlationid', 'causationid',
]);

/** Milliseconds when the microseconds add nothing, as `Date.toISOString()` (and so `publishEvent`) writes it. */
export const envelopeTime = (utcMicros: string): string => utcMicros.replace(/(\.\d{3})000Z$/, '$1Z');

/**
 * Rebuilds the CloudEvents envelope an event was stored from, as it was published: columns, data and
 * extensions (which also hold a `datacontenttype` other than application/json), the same id. Used
 * by the query API and by replay.
 */
export function envelopeOf(row: EventRow): CloudEvent {
  const event: CloudEvent = {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    time: envelopeTime(row.time_utc),
    datacontenttype: 'application/json',
    data: row.data,
    level: row.level as EventLevel,
  };
  if (row.subject !== null) event.subject = row.subject;
  if (row.dataschema !== null) event.dataschema = row.dataschema;
  if (row.resource_type !== null) event.resourcetype = row.resource_type;
  if (row.resource_id !== null) event.resourceid = row.resource_id;
  if (row.actor !== null) event.actor = row.actor;
  if (row.audience !== null) event.audience = row.audience;
  if (row.correlation_id !== null) event.correlationid = row.correlation_id;
  if (row.causation_id !== null) event.causationid = row.causation_id;
  for (const [key, value] of Object.entries(row.extensions ?? {})) {
    // Defined, not assigned: a stored `__proto__` key stays a plain attribute.
    if (!COLUMN_ATTRIBUTES.has(key)) Object.defineProperty(event, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return event;
}
