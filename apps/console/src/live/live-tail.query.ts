import { IsOptional, IsString, MaxLength, registerDecorator } from 'class-validator';
import { normalizePattern } from '@app/events';

function IsEventPattern(): PropertyDecorator {
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
        defaultMessage: () => 'pattern must be an event type or a NATS-style pattern, e.g. vendor.created, vendor.*, order.> or > for everything',
      },
    });
}

/** Query of `GET /api/live`: which events to tail. */
export class LiveTailQuery {
  @IsOptional() @IsString() @MaxLength(200) @IsEventPattern()
  pattern: string = '>';
}
