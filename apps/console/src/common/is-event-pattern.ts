import { registerDecorator } from 'class-validator';
import { normalizePattern } from '@app/events';

/** An event type or a NATS-style pattern (`vendor.created`, `vendor.*`, `order.>`, `>`). */
export function IsEventPattern(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEventPattern',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (v: unknown) => {
          try {
            return typeof v === 'string' && normalizePattern(v).length > 0;
          } catch {
            return false;
          }
        },
        defaultMessage: (args) => `${args?.property ?? 'pattern'} must be an event type or a NATS-style pattern, e.g. vendor.created, vendor.*, order.> or > for everything`,
      },
    });
}
