import type { CloudEvent } from '../mesh-events.js';

const DATA_WIDTH = 100;

/** Data as compact JSON, cut to `width` characters with an ellipsis. */
export function shortData(data: unknown, width = DATA_WIDTH): string {
  const text = data === undefined ? '' : JSON.stringify(data);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** `resourcetype/resourceid` when the event names its resource, else its `subject`, else `-`. */
export function resourceOf(event: CloudEvent): string {
  if (event.resourcetype && event.resourceid) return `${event.resourcetype}/${event.resourceid}`;
  return event.subject ?? event.resourceid ?? '-';
}

/**
 * One line per event for `mesh tail`: time, level, type, resource, source, short data.
 * @example 2025-03-01T10:00:00.000Z  info   vendor.created            vendor/42  vendor-service  {"name":"Taco"}
 */
export function eventLine(event: CloudEvent): string {
  return [event.time, (event.level ?? 'info').padEnd(5), event.type.padEnd(24), resourceOf(event), event.source, shortData(event.data)].join('  ');
}

/** A message on `events.>` that is not an envelope: shown, not hidden, so a broken producer is visible. */
export function rawLine(subject: string, body: string, problem: string): string {
  return `${new Date().toISOString()}  ?      ${subject}  (not a mesh envelope: ${problem})  ${body.slice(0, DATA_WIDTH)}`;
}
