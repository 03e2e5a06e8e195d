import { ValidationArguments, ValidationOptions, registerDecorator } from 'class-validator';
import { parseDuration, parseDurationList } from './duration.js';

/**
 * A class-validator decorator from a test and its message (`$property` names the field), for
 * environment classes and DTOs alike.
 * @example
 * const IsEven = validationRule('isEven', (v) => Number(v) % 2 === 0, '$property must be even');
 */
export function validationRule(name: string, validate: (value: unknown, args: ValidationArguments) => boolean, message: string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target, property) =>
      registerDecorator({ name, target: target.constructor, propertyName: property as string, options: { message, ...options }, validator: { validate } });
}

const isNatsUrl = (url: string) => {
  try {
    const u = new URL(url.includes('://') ? url : `nats://${url}`);
    return ['nats:', 'tls:', 'ws:', 'wss:'].includes(u.protocol) && u.hostname.length > 0;
  } catch {
    return false;
  }
};

export const IsNatsUrlList = validationRule(
  'isNatsUrlList',
  (v) => typeof v === 'string' && v.split(',').every((u) => isNatsUrl(u.trim())),
  '$property must be a NATS server URL or a comma-separated list of them, e.g. nats://127.0.0.1:4222',
);
export const IsPostgresUrl = validationRule(
  'isPostgresUrl',
  (v) => typeof v === 'string' && /^postgres(ql)?:\/\/[^/]+/.test(v),
  '$property must be a PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/mesh',
);
export const IsDuration = validationRule(
  'isDuration',
  (v) => typeof v === 'string' && parseDuration(v) !== undefined,
  '$property must be a duration such as 30s, 10m, 7d',
);
export const IsDurationList = validationRule(
  'isDurationList',
  (v) => typeof v === 'string' && parseDurationList(v) !== undefined,
  '$property must be a comma-separated list of durations such as 1s,5s,30s,2m',
);
