import { assertEventType } from './event-type.js';
import { uuidv7 } from './uuid-v7.js';
import { categoryProblem, normalizeAudience, USER_MESSAGE_MAX } from './audience.js';
import { EVENT_LEVELS, type CloudEvent, type EventLevel } from './cloud-event.types.js';
export { EVENT_LEVELS, type CloudEvent, type EventLevel } from './cloud-event.types.js';

/**
 * Options of `publishEvent` and the level helpers.
 * @example
 * await events.publishEvent('order.created', order, { resourcetype: 'order', resourceid: order.id, correlationid })
 */
export interface PublishOptions {
  /** Reuse an id (idempotent retries); a UUID v7 is generated otherwise. */
  id?: string;
  /** The resource id, when the event is about one resource. */
  subject?: string;
  level?: EventLevel;
  resourceType?: string;
  resourceId?: string;
  /** The related user (the one who acted, or whom the event is about). */
  actor?: string;
  /** One or more of user, admin, superadmin, all: a comma-separated string or a list. */
  audience?: string | readonly string[];
  /** `Notification`, `Error`, `Info`, … (one capitalised word). */
  category?: string;
  /** A sentence for the end user (the user feed shows it instead of the rendered message). */
  userMessage?: string;
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

/**
 * The subscriber-side view of the original Venta interface, derivable from the envelope.
 * @example
 * events.subscribeToEventType('order.*', (message: EventMessage) => console.log(message.type, message.data));
 */
export interface EventMessage<T = unknown> {
  type: string;
  data: T;
  timestamp: string;
  messageId: string;
}

const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;
/** Context attributes and the mesh's own extensions: never settable through `extensions`. */
const RESERVED = new Set([
  'specversion', 'id', 'source', 'type', 'time', 'subject', 'datacontenttype', 'dataschema', 'data',
  'level', 'resourcetype', 'resourceid', 'actor', 'audience', 'category', 'usermessage', 'correlationid', 'causationid', 'traceparent',
]);

// Events of one millisecond share their `time`: formatted once per millisecond (a Date and its
// ISO string per event, on the publish path, for a value that changes once per millisecond).
let isoMs = -1;
let iso = '';
function isoTime(now: number): string {
  if (now !== isoMs) {
    iso = new Date(now).toISOString();
    isoMs = now;
  }
  return iso;
}

/**
 * Builds a CloudEvents envelope: checks the type, sets `id` (UUID v7 unless given), `time` and `source`, and the given extensions.
 * @example
 * const event = createEnvelope('order.created', { orderId: 'o-1' }, 'order-service', { resourceid: 'o-1' });
 */
export function createEnvelope<T>(type: string, data: T, source: string, options: PublishOptions = {}): CloudEvent<T> {
  assertEventType(type);
  const now = Date.now();
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: options.id || uuidv7(now),
    source: options.source || source,
    type,
    time: options.time ?? isoTime(now),
    datacontenttype: 'application/json',
    data,
    level: options.level ?? 'info',
  };
  if (!EVENT_LEVELS.includes(event.level)) throw new Error(`Invalid level "${event.level}": use one of ${EVENT_LEVELS.join(', ')}`);
  // Plain ifs, not a loop over a record: this runs once per published event.
  const subject = options.subject ?? options.resourceId;
  if (subject !== undefined) event.subject = subject;
  if (options.resourceType !== undefined) event.resourcetype = options.resourceType;
  const resourceId = options.resourceId ?? options.subject;
  if (resourceId !== undefined) event.resourceid = resourceId;
  if (options.actor !== undefined) event.actor = options.actor;
  if (options.audience !== undefined) event.audience = normalizeAudience(options.audience);
  if (options.category !== undefined) {
    const problem = categoryProblem(options.category);
    if (problem) throw new Error(`Invalid ${problem}`);
    event.category = options.category;
  }
  if (options.userMessage !== undefined) {
    if (options.userMessage.length > USER_MESSAGE_MAX) throw new Error(`Invalid userMessage: at most ${USER_MESSAGE_MAX} characters`);
    event.usermessage = options.userMessage;
  }
  if (options.correlationId !== undefined) event.correlationid = options.correlationId;
  if (options.causationId !== undefined) event.causationid = options.causationId;
  if (options.traceparent !== undefined) event.traceparent = options.traceparent;
  if (!options.extensions) return event;
  for (const [key, value] of Object.entries(options.extensions)) {
    if (!EXTENSION_NAME.test(key) || RESERVED.has(key)) {
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
