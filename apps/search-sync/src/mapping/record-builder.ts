import { NonRetryableError, type CloudEvent } from '@app/events';
import type { IndexMapping, IndexOperation, SearchMapping, SearchRecord } from './index-mapping.js';

/** The value at a dotted path (`vendor.name`), or undefined. */
export function valueAt(source: unknown, path: string): unknown {
  let value = source;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** RFC 3339, which both the order guard's comparison and PostgreSQL read the same way (Date.parse accepts more). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const lastSegment = (path: string) => path.slice(path.lastIndexOf('.') + 1);
const isCoordinate = (v: unknown, limit: number): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= limit;

const textOf = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The record of `resource` under `mapping`. */
export function buildRecord(mapping: IndexMapping, objectID: string, resource: unknown): SearchRecord {
  const record: SearchRecord = { objectID };
  for (const field of mapping.fields) {
    const value = valueAt(resource, field);
    if (value !== undefined) record[lastSegment(field)] = value;
  }
  if (mapping.geoloc) {
    const lat = valueAt(resource, mapping.geoloc.lat);
    const lng = valueAt(resource, mapping.geoloc.lng);
    if (isCoordinate(lat, 90) && isCoordinate(lng, 180)) record._geoloc = { lat, lng };
  }
  return record;
}

/**
 * Turns events into index operations by the mapping. Pure: no I/O, so it is unit-tested alone.
 * An event the mapping does not name gives no operation; one it names but cannot map (no
 * objectID) is a NonRetryableError naming the path, so it is dead-lettered with the reason.
 */
export class RecordBuilder {
  private readonly byType = new Map<string, IndexMapping[]>();

  constructor(readonly mapping: SearchMapping) {
    for (const m of mapping.indexes) {
      for (const type of Object.keys(m.events)) this.byType.set(type, [...(this.byType.get(type) ?? []), m]);
    }
  }

  /** The mapping of one index, or undefined. */
  indexMapping(index: string): IndexMapping | undefined {
    return this.mapping.indexes.find((m) => m.index === index);
  }

  /** Event types that feed `index` (what a reindex reads from the event store). */
  typesOf(index: string): string[] {
    return Object.keys(this.indexMapping(index)?.events ?? {});
  }

  operations(event: CloudEvent): IndexOperation[] {
    const mappings = this.byType.get(event.type);
    if (!mappings) return [];
    if (!RFC3339.test(event.time)) {
      throw new NonRetryableError(`${event.type} ${event.id}: time "${event.time}" is not RFC 3339 (e.g. 2025-01-01T12:00:00.000Z), so it cannot be ordered against other events`);
    }
    return mappings.map((m) => {
      const rule = m.events[event.type];
      const resource = rule.from ? valueAt(event.data, rule.from) : event.data;
      if (resource === null || typeof resource !== 'object') {
        throw new NonRetryableError(`${event.type} ${event.id}: data${rule.from ? `.${rule.from}` : ''} is not an object, so no ${m.index} record can be built (mapping of ${m.resourceType})`);
      }
      const id = valueAt(resource, m.objectID);
      if ((typeof id !== 'string' || id.length === 0) && typeof id !== 'number') {
        throw new NonRetryableError(`${event.type} ${event.id}: data${rule.from ? `.${rule.from}` : ''}.${m.objectID} (the objectID of ${m.index}) is missing or not a string`);
      }
      const objectID = String(id);
      return {
        index: m.index,
        objectID,
        action: rule.action,
        record: rule.action === 'upsert' ? buildRecord(m, objectID, resource) : undefined,
        searchable: rule.action === 'upsert' ? m.searchableFields.map((f) => textOf(valueAt(resource, f))) : undefined,
        eventTime: event.time,
        eventId: event.id,
      };
    });
  }
}
