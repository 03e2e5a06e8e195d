/** What an event does to its index record. */
export type MappingAction = 'upsert' | 'delete';

export interface EventRule {
  action: MappingAction;
  /** Dotted path of the resource inside `data`, for producers that wrap it (`{ order: {...} }`); absent: `data` itself. */
  from?: string;
}

/** How one resource type is kept in one index. */
export interface IndexMapping {
  resourceType: string;
  index: string;
  /** Event type → what it does. */
  events: Record<string, EventRule>;
  /** Dotted path of the record's objectID in the resource. */
  objectID: string;
  /** Fields copied into the record (dotted paths; the record key is the last segment). */
  fields: string[];
  /** Fields searched, most important first (the local index weighs the first highest and ranks exact matches of it first). */
  searchableFields: string[];
  /** Builds Algolia's `_geoloc` from two numeric fields, left out when either is missing. */
  geoloc?: { lat: string; lng: string };
}

export interface SearchMapping {
  indexes: IndexMapping[];
}

/** One write to one index, built from one event. */
export interface IndexOperation {
  index: string;
  objectID: string;
  action: MappingAction;
  /** The full record (objectID included) for an upsert. */
  record?: SearchRecord;
  /** The searchable fields' values as text, most important first (the local index's tsvector). */
  searchable?: string[];
  /** The event's own time and id: the order guard compares these. */
  eventTime: string;
  eventId: string;
}

export interface SearchRecord {
  objectID: string;
  _geoloc?: { lat: number; lng: number };
  [field: string]: unknown;
}
