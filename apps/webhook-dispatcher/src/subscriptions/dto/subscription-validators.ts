import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { normalizePattern } from '@app/events';
import { filterProblems } from '../../matching/event-filter.js';
import { oauth2Problem } from '../../oauth2/oauth2-credentials.js';
import { batchProblem } from '../../batch/batch-config.js';

/** A subscription's `timeoutMs`: default 10 s, between 100 ms and 30 s. */
export const TIMEOUT_MS = { default: 10_000, min: 100, max: 30_000 };

/** Headers the dispatcher sets itself; a subscription cannot override them. */
const RESERVED_HEADERS = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'content-length', 'host', 'transfer-encoding', 'connection']);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const MAX_HEADERS = 20;

function validator(name: string, problem: (value: unknown) => string | undefined) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target, propertyName) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: propertyName as string,
        options,
        validator: {
          validate: (value: unknown) => problem(value) === undefined,
          defaultMessage: (args?: ValidationArguments) => problem(args?.value) ?? `${args?.property} is invalid`,
        },
      });
}

function patternsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    return 'eventTypes must be a list of 1 to 100 patterns such as "vendor.created", "vendor.*", "order.>" or "*" for all';
  }
  for (const [i, p] of value.entries()) {
    try {
      if (typeof p !== 'string') throw new Error(`eventTypes[${i}] must be a string`);
      normalizePattern(p);
    } catch (err) {
      return `eventTypes[${i}]: ${(err as Error).message}`;
    }
  }
  return undefined;
}

/** `eventTypes`: NATS-style patterns, `*` alone for every event. */
export const IsEventPatternList = validator('isEventPatternList', patternsProblem);

/** `filter`: conditions on the event data (see EventFilter); null clears it. */
export const IsEventFilter = validator('isEventFilter', (v) => (v === null ? undefined : filterProblems(v).join('; ') || undefined));

function headersProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'headers must be an object of header name to string value';
  const entries = Object.entries(value);
  if (entries.length > MAX_HEADERS) return `headers has ${entries.length} entries; at most ${MAX_HEADERS} are allowed`;
  for (const [name, v] of entries) {
    if (!HEADER_NAME.test(name)) return `headers.${name}: not a valid HTTP header name`;
    if (RESERVED_HEADERS.has(name.toLowerCase())) return `headers.${name}: set by the dispatcher itself and cannot be overridden`;
    if (typeof v !== 'string' || v.length > 2000 || /[\r\n\0]/.test(v)) return `headers.${name} must be a string of at most 2000 characters without line breaks`;
  }
  return undefined;
}

/** `headers`: extra request headers, names checked, the dispatcher's own refused. */
export const IsHeaderMap = validator('isHeaderMap', headersProblem);

/** `oauth2`: client credentials { tokenUrl, clientId, clientSecret, scope? }; null removes them. */
export const IsOAuth2Credentials = validator('isOAuth2Credentials', oauth2Problem);

/** `batch`: { maxEvents, maxWaitMs? }; null turns batching off. */
export const IsBatchConfig = validator('isBatchConfig', batchProblem);
