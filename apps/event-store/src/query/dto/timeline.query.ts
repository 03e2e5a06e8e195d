import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { LANGS, type Lang } from '../../messages/message-template.js';
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

  /** `fa` or `en`: each item also carries `sentence` in that language and its `dir` (rtl for fa). */
  @IsOptional()
  @IsIn(LANGS, { message: `lang must be one of ${LANGS.join(', ')}` })
  lang?: Lang;

  @Transform(toClampedInt(MAX_LIMIT))
  @IsInt()
  @Min(1)
  limit: number = MAX_LIMIT;
}
