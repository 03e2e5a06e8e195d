import { assertEventType, CONSUMER_NAME, CONSUMER_NAME_RULE, EVENT_LEVELS, type EventLevel, normalizePattern, parseDuration } from './mesh-events.js';

export function parseConsumer(value: string): string {
  if (!CONSUMER_NAME.test(value)) throw new Error(`use ${CONSUMER_NAME_RULE}`);
  return value;
}

export function parseEventType(value: string): string {
  assertEventType(value);
  return value;
}

/** A type pattern: `vendor.created`, `vendor.*`, `order.>`, `>`; a leading `events.` is accepted and dropped. */
export function parsePattern(value: string): string {
  return normalizePattern(value.startsWith('events.') ? value.slice('events.'.length) : value);
}

export function parseLevel(value: string): EventLevel {
  if (!(EVENT_LEVELS as readonly string[]).includes(value)) throw new Error(`use one of ${EVENT_LEVELS.join(', ')}`);
  return value as EventLevel;
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new Error('use a positive whole number');
  return Number(value);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * A point in time: a duration back from `now` (`10m`, `2h`, `7d`) or an ISO 8601 date or date-time
 * with its offset (`2025-03-01`, `2025-03-01T10:00:00Z`).
 */
export function parseTimePoint(value: string, now = Date.now()): Date {
  const ago = parseDuration(value);
  if (ago !== undefined) return new Date(now - ago);
  if (ISO_TIME.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  throw new Error('use a duration back from now (30s, 10m, 2h, 7d) or an ISO time with its offset (2025-03-01T10:00:00Z)');
}
