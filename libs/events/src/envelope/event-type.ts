/** The one rule for event types: lowercase `resource.action` tokens (DESIGN.md "Subjects"). */
const EVENT_TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/;
const PATTERN_TOKEN = /^([a-z0-9_-]+|\*|>)$/;

export const EVENTS_SUBJECT_PREFIX = 'events.';

/**
 * An event type or pattern that breaks DESIGN.md's naming rule; the message says what a valid one looks like.
 * @example
 * catch (err) { if (err instanceof InvalidEventTypeError) throw new BadRequestException(err.message); throw err; }
 */
export class InvalidEventTypeError extends Error {
  constructor(type: unknown) {
    super(
      `Invalid event type ${JSON.stringify(type)}: use lowercase "resource.action" tokens of [a-z0-9_-] joined by dots, e.g. "vendor.created"`,
    );
    this.name = 'InvalidEventTypeError';
  }
}

/**
 * True for a well-formed event type (`<domain>.<action>`, lowercase tokens, DESIGN.md).
 * @example isEventType('order.created') // true; isEventType('Order') // false
 */
export function isEventType(type: unknown): type is string {
  return typeof type === 'string' && EVENT_TYPE.test(type);
}

export function assertEventType(type: unknown): asserts type is string {
  if (!isEventType(type)) throw new InvalidEventTypeError(type);
}

/** Longest pattern accepted: a subject token list this long is already far past any real type. */
export const MAX_PATTERN_LENGTH = 255;

/**
 * Validates a NATS-style type pattern (`vendor.created`, `vendor.*`, `order.>`, `>`); `*` alone means all.
 * One literal token (`vendor`, `_`) is refused: a type has at least two, so it could never match.
 * Returns the normalised pattern.
 * @example
 * normalizePattern('*') // '>'; normalizePattern('vendor') throws InvalidEventTypeError
 */
export function normalizePattern(pattern: string): string {
  const p = pattern === '*' ? '>' : pattern;
  const tokens = p.length > MAX_PATTERN_LENGTH ? [] : p.split('.');
  const oneLiteral = tokens.length === 1 && tokens[0] !== '>';
  const ok = !oneLiteral && tokens.length > 0 && tokens.every((t, i) => PATTERN_TOKEN.test(t) && (t !== '>' || i === tokens.length - 1));
  if (!ok) {
    throw new Error(
      `Invalid event pattern ${JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern)}: use dot-separated lowercase tokens with NATS wildcards (at most ${MAX_PATTERN_LENGTH} characters, at least two tokens unless "*" or ">"), e.g. "vendor.created", "vendor.*", "order.>"`,
    );
  }
  return p;
}

/**
 * The NATS subject an event type is published on.
 * @example subjectForType('order.created') // 'events.order.created'
 */
export const subjectForType = (type: string): string => EVENTS_SUBJECT_PREFIX + type;
export const subjectForPattern = (pattern: string): string => EVENTS_SUBJECT_PREFIX + normalizePattern(pattern);

/**
 * Matches a concrete type against a NATS-style pattern (`*` one token, `>` one or more at the end).
 * @example
 * matchesPattern('order.status_changed', 'order.*') // true; matchesPattern('order.created', 'payment.>') // false
 */
export function matchesPattern(type: string, pattern: string): boolean {
  const t = type.split('.');
  const p = (pattern === '*' ? '>' : pattern).split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return t.length > i;
    if (i >= t.length || (p[i] !== '*' && p[i] !== t[i])) return false;
  }
  return t.length === p.length;
}

/** The event type named by a stream subject (`events.vendor.created`, `replay.app.vendor.created`). */
export function typeFromSubject(subject: string): string {
  const tokens = subject.split('.');
  const type = (tokens[0] === 'replay' ? tokens.slice(2) : tokens.slice(1)).join('.');
  return isEventType(type) ? type : 'invalid.subject';
}

/**
 * Whether some event type matches both patterns (`order.*` and `*.created` do; `order.>` and
 * `payment.*` do not). The transport refuses a batch handler whose pattern overlaps another's.
 * @example
 * patternsOverlap('>', 'vendor.created') // true; patternsOverlap('order.*', 'order.a.b') // false
 */
export function patternsOverlap(a: string, b: string): boolean {
  const x = (a === '*' ? '>' : a).split('.');
  const y = (b === '*' ? '>' : b).split('.');
  for (let i = 0; i < x.length && i < y.length; i++) {
    // `>` takes one token or more from here, which the other pattern, still going at i, has.
    if (x[i] === '>' || y[i] === '>') return true;
    if (x[i] !== '*' && y[i] !== '*' && x[i] !== y[i]) return false;
  }
  return x.length === y.length;
}
