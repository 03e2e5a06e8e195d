import { assertEventType } from './event-type.js';
import { uuidv7 } from './uuid-v7.js';

export const EVENT_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

/** The CloudEvents 1.0 structured JSON envelope every event travels in (DESIGN.md "Subjects and the envelope"). */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  dataschema?: string;
  data: T;
  level: EventLevel;
  resourcetype?: string;
  resourceid?: string;
  actor?: string;
  audience?: string;
  correlationid?: string;
  causationid?: string;
  traceparent?: string;
  [extension: string]: unknown;
}

/** Options of `publishEvent` and the level helpers. */
export interface PublishOptions {
  /** Reuse an id (idempotent retries); a UUID v7 is generated otherwise. */
  id?: string;
  /** The resource id, when the event is about one resource. */
  subject?: string;
  level?: EventLevel;
  resourceType?: string;
  resourceId?: string;
  actor?: string;
  audience?: string;
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  /** Overrides the app's service name as `source`. */
  source?: string;
  /** ISO time of the occurrence; now by default. */
  time?: string;
  /** Validate against this registered schema version instead of the latest. */
  schemaVersion?: number;
  /** Further CloudEvents extensions: lowercase alphanumeric names. */
  extensions?: Record<string, string | number | boolean>;
}

/** The subscriber-side view of the original Venta interface, derivable from the envelope. */
export interface EventMessage<T = unknown> {
  type: string;
  data: T;
  timestamp: string;
  messageId: string;
}

const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;

export function createEnvelope<T>(type: string, data: T, source: string, options: PublishOptions = {}): CloudEvent<T> {
  assertEventType(type);
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: options.id ?? uuidv7(),
    source: options.source ?? source,
    type,
    time: options.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    level: options.level ?? 'info',
  };
  const optional: Record<string, string | undefined> = {
    subject: options.subject ?? options.resourceId,
    resourcetype: options.resourceType,
    resourceid: options.resourceId ?? options.subject,
    actor: options.actor,
    audience: options.audience,
    correlationid: options.correlationId,
    causationid: options.causationId,
    traceparent: options.traceparent,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) event[key] = value;
  for (const [key, value] of Object.entries(options.extensions ?? {})) {
    if (!EXTENSION_NAME.test(key) || key in event) {
      throw new Error(`Invalid CloudEvents extension name "${key}": use 1-20 lowercase letters or digits, not a reserved attribute`);
    }
    event[key] = value;
  }
  return event;
}

export const toEventMessage = <T>(event: CloudEvent<T>): EventMessage<T> => ({
  type: event.type,
  data: event.data,
  timestamp: event.time,
  messageId: event.id,
});
