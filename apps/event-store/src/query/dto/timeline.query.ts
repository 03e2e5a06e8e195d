import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsString, MaxLength, Min } from 'class-validator';
import { toBoolean, toClampedInt } from './query-transforms.js';
import { MAX_LIMIT } from './list-events.query.js';

/** Query of `GET /events/timeline`: one resource's events, oldest first, at most `limit` (≤ 1000) of them. */
export class TimelineQuery {
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  resourceType!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  resourceId!: string;

  /** Also the events sharing a correlation id with the resource's own. */
  @Transform(toBoolean)
  @IsBoolean()
  includeRelated: boolean = false;

  @Transform(toClampedInt(MAX_LIMIT))
  @IsInt()
  @Min(1)
  limit: number = MAX_LIMIT;
}
