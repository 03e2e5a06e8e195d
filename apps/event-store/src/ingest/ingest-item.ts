import { validateSync } from 'class-validator';
import type { PublishOptions } from '@app/events';
import { INGEST_EVENT_FIELDS, IngestEventDto } from './ingest-event.dto.js';

export const DEFAULT_INGEST_SOURCE = 'http-ingest';

export type CheckedItem = { ok: true; event: IngestEventDto } | { ok: false; errors: string[] };

const FIELDS = new Set<string>(INGEST_EVENT_FIELDS);
const ORDER = new Map<string, number>(INGEST_EVENT_FIELDS.map((f, i) => [f, i]));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates one ingested event on its own; errors read `field: problem`. Only known fields are
 * copied (never assigned wholesale), so a `__proto__` key is just an unknown field.
 */
export function checkIngestItem(raw: unknown): CheckedItem {
  if (!isObject(raw)) return { ok: false, errors: ['event: must be a JSON object with at least "type" and "data"'] };
  const errors: string[] = [];
  const event = new IngestEventDto();
  for (const key of Object.keys(raw)) {
    if (FIELDS.has(key)) (event as unknown as Record<string, unknown>)[key] = raw[key];
    else errors.push(`${key}: is not an event field; use ${INGEST_EVENT_FIELDS.join(', ')}`);
  }
  const problems = validateSync(event, { stopAtFirstError: true, forbidUnknownValues: false })
    .sort((a, b) => (ORDER.get(a.property) ?? 99) - (ORDER.get(b.property) ?? 99))
    .flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m.replace(new RegExp(`^${e.property} `), '')}`));
  errors.unshift(...problems);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, event };
}

/** What `EventsService.publishEvent` takes for a valid item; nulls count as absent. */
export function publishOptionsOf(e: IngestEventDto): PublishOptions {
  const options: PublishOptions = { source: e.source ?? DEFAULT_INGEST_SOURCE };
  if (e.id != null) options.id = e.id;
  if (e.subject != null) options.subject = e.subject;
  if (e.time != null) options.time = e.time;
  if (e.level != null) options.level = e.level;
  if (e.resourceType != null) options.resourceType = e.resourceType;
  if (e.resourceId != null) options.resourceId = e.resourceId;
  if (e.actor != null) options.actor = e.actor;
  if (e.audience != null) options.audience = e.audience;
  if (e.category != null) options.category = e.category;
  if (e.userMessage != null) options.userMessage = e.userMessage;
  if (e.correlationId != null) options.correlationId = e.correlationId;
  if (e.causationId != null) options.causationId = e.causationId;
  return options;
}
