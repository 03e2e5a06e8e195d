import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMinSize, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { EVENT_LEVELS, type EventLevel } from '@app/events';
import { EventPageQuery } from './event-page.query.js';
import { toBoolean, toList } from './query-transforms.js';
import { IsTypePattern } from './query-validators.js';

export { DEFAULT_LIMIT, MAX_LIMIT } from './event-page.query.js';

/** A plain text filter (`source=vendor-service`): one non-empty value. */
const Text = () => applyDecorators(IsOptional(), IsString(), IsNotEmpty(), MaxLength(500));

/**
 * Query of `GET /events`: every filter is optional and they combine with AND. Times are a
 * half-open window, `from` ≤ time < `to`. Newest first; `limit` above 1000 is lowered to 1000.
 */
export class ListEventsQuery extends EventPageQuery {
  /** `vendor.created`, or a pattern: `vendor.*` (one token), `vendor.>` (one or more), `*` or `>` (all). */
  @IsOptional()
  @IsString()
  @IsTypePattern()
  type?: string;

  @Text() source?: string;
  @Text() resourceType?: string;
  @Text() resourceId?: string;

  /** One or several: `level=warn&level=error` or `level=warn,error`. */
  @IsOptional()
  @Transform(toList)
  @ArrayMinSize(1)
  @IsIn(EVENT_LEVELS, { each: true })
  level?: EventLevel[];

  @Text() audience?: string;
  @Text() actor?: string;
  @Text() correlationId?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  resolved?: boolean;

  /**
   * `true`: only events written for end users (an audience naming `user` or `all`, as the user feed
   * shows them), whatever else the audience lists; `audience=` matches the whole value instead.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  shownToUsers?: boolean;

  /**
   * `true` reads `events_archive` (what retention moved out, until EVENT_ARCHIVE_DAYS prune it)
   * instead of the live events; every other filter applies the same.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  archived?: boolean;

  /** Case-insensitive text anywhere in the data (its JSON text), matched literally. */
  @Text() q?: string;
}
