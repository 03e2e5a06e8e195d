import { NonRetryableError, type CloudEvent } from '@app/events';
import type { IndexMapping, IndexOperation, SearchMapping, SearchRecord } from './index-mapping.js';

/** The value at a path already split into keys, or undefined. */
function valueAtKeys(source: unknown, keys: readonly string[]): unknown {
  let value = source;
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The value at a dotted path (`vendor.name`), or undefined. */
export const valueAt = (source: unknown, path: string): unknown => valueAtKeys(source, path.split('.'));

/** RFC 3339, which both the order guard's comparison and PostgreSQL read the same way (Date.parse accepts more). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const lastSegment = (path: string) => path.slice(path.lastIndexOf('.') + 1);
const isCoordinate = (v: unknown, limit: number): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= limit;

const textOf = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * An index mapping with its dotted paths split once: this runs for every event on the hot path,
 * where splitting each path per event was a tenth of search-sync's handler time.
 */
interface CompiledMapping {
  mapping: IndexMapping;
  objectID: string[];
  fields: { keys: string[]; name: string }[];
  searchable: string[][];
  geoloc?: { lat: string[]; lng: string[] };
  /** Per event type, its `from` path split (empty: the resource is `data` itself). */
  from: Map<string, string[]>;
}

function compile(m: IndexMapping): CompiledMapping {
  return {
    mapping: m,
    objectID: m.objectID.split('.'),
    fields: m.fields.map((f) => ({ keys: f.split('.'), name: lastSegment(f) })),
    searchable: m.searchableFields.map((f) => f.split('.')),
    geoloc: m.geoloc && { lat: m.geoloc.lat.split('.'), lng: m.geoloc.lng.split('.') },
    from: new Map(Object.entries(m.events).map(([type, rule]) => [type, rule.from ? rule.from.split('.') : []])),
  };
}

function recordOf(c: CompiledMapping, objectID: string, resource: unknown): SearchRecord {
  const record: SearchRecord = { objectID };
  for (const { keys, name } of c.fields) {
    const value = valueAtKeys(resource, keys);
    if (value !== undefined) record[name] = value;
  }
  if (c.geoloc) {
    const lat = valueAtKeys(resource, c.geoloc.lat);
    const lng = valueAtKeys(resource, c.geoloc.lng);
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
  private readonly byType = new Map<string, CompiledMapping[]>();

  constructor(readonly mapping: SearchMapping) {
    for (const m of mapping.indexes) {
      const c = compile(m);
      for (const type of Object.keys(m.events)) this.byType.set(type, [...(this.byType.get(type) ?? []), c]);
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
    return mappings.map((c) => {
      const m = c.mapping;
      const rule = m.events[event.type];
      const resource = rule.from ? valueAtKeys(event.data, c.from.get(event.type)!) : event.data;
      if (resource === null || typeof resource !== 'object') {
        throw new NonRetryableError(`${event.type} ${event.id}: data${rule.from ? `.${rule.from}` : ''} is not an object, so no ${m.index} record can be built (mapping of ${m.resourceType})`);
      }
      const id = valueAtKeys(resource, c.objectID);
      if ((typeof id !== 'string' || id.length === 0) && typeof id !== 'number') {
        throw new NonRetryableError(`${event.type} ${event.id}: data${rule.from ? `.${rule.from}` : ''}.${m.objectID} (the objectID of ${m.index}) is missing or not a string`);
      }
      const objectID = String(id);
      return {
        index: m.index,
        objectID,
        action: rule.action,
        record: rule.action === 'upsert' ? recordOf(c, objectID, resource) : undefined,
        searchable: rule.action === 'upsert' ? c.searchable.map((keys) => textOf(valueAtKeys(resource, keys))) : undefined,
        eventTime: event.time,
        eventId: event.id,
      };
    });
  }
}
