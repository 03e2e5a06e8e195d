import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** Query of `GET /vendors`: newest first, `limit` (1–100, default 50) from `offset` (default 0). */
export class ListVendorsQuery {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 50;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset = 0;
}
