import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { LANGS, type Lang } from '../../messages/message-template.js';
import { toClampedInt } from './query-transforms.js';
import { IsEventCursor, IsIsoTime, IsNotBefore } from './query-validators.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/**
 * What every newest-first page of events takes: a half-open time window (`from` ≤ time < `to`),
 * the page size (above 1000 lowered to 1000), the sentences' language and the keyset cursor.
 */
export abstract class EventPageQuery {
  @IsOptional()
  @IsIsoTime()
  from?: string;

  @IsOptional()
  @IsIsoTime()
  @IsNotBefore('from')
  to?: string;

  @Transform(toClampedInt(MAX_LIMIT))
  @IsInt()
  @Min(1)
  limit: number = DEFAULT_LIMIT;

  /** `fa` or `en`: each item also carries `sentence` in that language and its `dir` (rtl for fa). */
  @IsOptional()
  @IsIn(LANGS, { message: `lang must be one of ${LANGS.join(', ')}` })
  lang?: Lang;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @IsEventCursor()
  cursor?: string;
}
