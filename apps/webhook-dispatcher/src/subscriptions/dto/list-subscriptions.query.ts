import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { MAX_OFFSET, StrictInt } from '@app/events';

/** Query of `GET /webhooks/subscriptions`: newest first, `limit` (1–100, default 50) from `offset`. */
export class ListSubscriptionsQuery {
  @StrictInt(1, 100)
  limit = 50;

  @StrictInt(0, MAX_OFFSET)
  offset = 0;

  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  active?: boolean;
}
