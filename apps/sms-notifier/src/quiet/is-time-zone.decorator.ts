import { registerDecorator } from 'class-validator';
import { isTimeZone } from './time-zone.js';

/** An IANA time zone ICU knows (`Asia/Tehran`). */
export const IsTimeZone = (): PropertyDecorator => (target, property) =>
  registerDecorator({
    name: 'isTimeZone',
    target: target.constructor,
    propertyName: property as string,
    options: { message: '$property must be an IANA time zone such as Asia/Tehran or Europe/London' },
    validator: { validate: (v: unknown) => isTimeZone(v) },
  });
