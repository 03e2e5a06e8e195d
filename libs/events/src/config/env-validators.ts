import { ValidationOptions, registerDecorator } from 'class-validator';
import { parseDuration, parseDurationList } from './duration.js';

function rule(name: string, test: (value: unknown) => boolean, message: string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target, propertyName) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: propertyName as string,
        options: { message: `$property ${message}`, ...options },
        validator: { validate: test },
      });
}

const isNatsUrl = (url: string) => {
  try {
    const u = new URL(url.includes('://') ? url : `nats://${url}`);
    return ['nats:', 'tls:', 'ws:', 'wss:'].includes(u.protocol) && u.hostname.length > 0;
  } catch {
    return false;
  }
};

export const IsNatsUrlList = rule(
  'isNatsUrlList',
  (v) => typeof v === 'string' && v.split(',').every((u) => isNatsUrl(u.trim())),
  'must be a NATS server URL or a comma-separated list of them, e.g. nats://127.0.0.1:4222',
);
export const IsPostgresUrl = rule(
  'isPostgresUrl',
  (v) => typeof v === 'string' && /^postgres(ql)?:\/\/[^/]+/.test(v),
  'must be a PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/mesh',
);
export const IsDuration = rule(
  'isDuration',
  (v) => typeof v === 'string' && parseDuration(v) !== undefined,
  'must be a duration such as 30s, 10m, 7d',
);
export const IsDurationList = rule(
  'isDurationList',
  (v) => typeof v === 'string' && parseDurationList(v) !== undefined,
  'must be a comma-separated list of durations such as 1s,5s,30s,2m',
);
