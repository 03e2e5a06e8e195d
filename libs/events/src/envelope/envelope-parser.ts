import { CloudEvent, EVENT_LEVELS } from './cloud-event.js';
import { isEventType } from './event-type.js';

/** The message body is not a valid event envelope; retrying cannot fix it. */
export class InvalidEnvelopeError extends Error {
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(`Invalid event envelope: ${problems.join('; ')}`);
    this.name = 'InvalidEnvelopeError';
  }
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Checks a decoded body against the envelope contract and lists every problem found. */
export function envelopeProblems(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['body must be a JSON object'];
  const e = body as Record<string, unknown>;
  const problems: string[] = [];
  if (e.specversion !== '1.0') problems.push('specversion must be "1.0"');
  if (!isString(e.id)) problems.push('id must be a non-empty string');
  if (!isString(e.source)) problems.push('source must be a non-empty string');
  if (!isEventType(e.type)) problems.push('type must be lowercase "resource.action" tokens, e.g. "vendor.created"');
  if (!isString(e.time) || Number.isNaN(Date.parse(e.time))) problems.push('time must be an RFC 3339 timestamp');
  if (!('data' in e)) problems.push('data is missing');
  if (e.level !== undefined && !EVENT_LEVELS.includes(e.level as never)) problems.push(`level must be one of ${EVENT_LEVELS.join(', ')}`);
  if (e.subject !== undefined && typeof e.subject !== 'string') problems.push('subject must be a string');
  return problems;
}

/** The same rules as {@link envelopeProblems}, answering only yes or no: no list is built for a good event. */
function isValidEnvelope(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const e = body as Record<string, unknown>;
  return (
    e.specversion === '1.0' &&
    isString(e.id) &&
    isString(e.source) &&
    isEventType(e.type) &&
    isString(e.time) &&
    !Number.isNaN(Date.parse(e.time)) &&
    'data' in e &&
    (e.level === undefined || EVENT_LEVELS.includes(e.level as never)) &&
    (e.subject === undefined || typeof e.subject === 'string')
  );
}

/** Decodes and validates a message body; throws {@link InvalidEnvelopeError} naming every problem. */
export function parseEnvelope(bytes: Uint8Array | string): CloudEvent {
  let body: unknown;
  try {
    // A view over the message's bytes, not a copy of them.
    body = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw new InvalidEnvelopeError([`body is not JSON (${(err as Error).message})`]);
  }
  if (!isValidEnvelope(body)) throw new InvalidEnvelopeError(envelopeProblems(body));
  const event = body as CloudEvent;
  event.level ??= 'info';
  return event;
}
