import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { LANGS, type Lang } from '../messages/message-template.js';
import { toClampedInt } from '../query/dto/query-transforms.js';
import { IsEventCursor } from '../query/dto/query-validators.js';

/** Query of `GET /events/feed`. */
export class FeedQuery {
  /** The user whose feed it is; the token must be issued for this user. */
  @IsString() @IsNotEmpty() @MaxLength(200) userId!: string;

  @IsOptional()
  @IsIn(LANGS, { message: `lang must be one of ${LANGS.join(', ')}` })
  lang: Lang = 'fa';

  @Transform(toClampedInt(100))
  @IsInt()
  @Min(1)
  limit: number = 20;

  /** `nextCursor` of the previous page. */
  @IsOptional() @IsString() @IsEventCursor() cursor?: string;
}
