import { normalizePattern } from '@app/events';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { decodeCursor } from '../events-cursor.js';

const isPattern = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    normalizePattern(value);
    return true;
  } catch {
    return false;
  }
};

/** An event type or a NATS-style pattern, as `normalizePattern` accepts it. */
export function IsTypePattern(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isTypePattern',
      target: target.constructor,
      propertyName: property as string,
      options: {
        message: '$property must be an event type or a NATS-style pattern of lowercase tokens, e.g. vendor.created, vendor.* or vendor.>',
        ...options,
      },
      validator: { validate: isPattern },
    });
}

/** A `nextCursor` this API returned. */
export function IsEventCursor(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isEventCursor',
      target: target.constructor,
      propertyName: property as string,
      options: { message: '$property is not a cursor this API returned: pass nextCursor from the previous page as it is', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && decodeCursor(value) !== undefined },
    });
}

/** An ISO time not earlier than the ISO time in `other` (when both are there and valid). */
export function IsNotBefore(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isNotBefore',
      target: target.constructor,
      propertyName: property as string,
      constraints: [other],
      options: { message: `$property must not be before ${other}`, ...options },
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const start = Date.parse(String((args.object as Record<string, unknown>)[other]));
          const end = Date.parse(String(value));
          return Number.isNaN(start) || Number.isNaN(end) || end >= start;
        },
      },
    });
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

const isIsoTime = (value: unknown): boolean => {
  const match = typeof value === 'string' ? ISO_TIME.exec(value) : null;
  if (!match || Number.isNaN(Date.parse(value as string))) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
};

/** An ISO 8601 date (midnight UTC) or date-time with its offset: a time without one would depend on the server's zone. */
export function IsIsoTime(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isIsoTime',
      target: target.constructor,
      propertyName: property as string,
      options: { message: '$property must be an ISO 8601 date or a date-time with its offset, e.g. 2025-03-01T10:00:00Z', ...options },
      validator: { validate: isIsoTime },
    });
}
