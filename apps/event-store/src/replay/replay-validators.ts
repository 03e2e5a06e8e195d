import { normalizePattern, validationRule as rule } from '@app/events';
import { ValidationOptions } from 'class-validator';

const isPattern = (value: unknown): boolean => {
  try {
    return typeof value === 'string' && normalizePattern(value).length > 0;
  } catch {
    return false;
  }
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
/** A date (midnight UTC) or a date-time with its offset; without one it would depend on the server's zone. */
export const isIsoTime = (value: unknown): value is string => typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));

/** An event type or a NATS-style pattern (`vendor.created`, `vendor.*`, `vendor.>`). */
export const IsTypePattern = rule(
  'isTypePattern',
  isPattern,
  '$property must be an event type or a NATS-style pattern of lowercase tokens, e.g. vendor.created, vendor.* or vendor.>',
);

export const IsIsoTime = rule('isIsoTime', isIsoTime, '$property must be an ISO 8601 date or a date-time with its offset, e.g. 2025-03-01T10:00:00Z');

/** Later than the time in the sibling property `other`, when both are valid times. */
export const IsAfter = (other: string, options?: ValidationOptions) =>
  rule(
    'isAfter',
    (value, args) => {
      const start = (args.object as Record<string, unknown>)[other];
      return !isIsoTime(value) || !isIsoTime(start) || Date.parse(value) > Date.parse(start);
    },
    `$property must be after ${other}`,
  )(options);
