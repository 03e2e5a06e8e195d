import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query of `GET /webhooks/subscriptions`: newest first, `limit` (1–100, default 50) from `offset`. */
export class ListSubscriptionsQuery {
  @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit = 50;

  @Type(() => Number) @IsInt() @Min(0)
  offset = 0;

  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  active?: boolean;
}
