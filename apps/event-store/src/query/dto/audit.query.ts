import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { LANGS, type Lang } from '../../messages/message-template.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './list-events.query.js';
import { toClampedInt } from './query-transforms.js';
import { IsEventCursor, IsIsoTime, IsNotBefore } from './query-validators.js';

/**
 * Query of `GET /events/audit`: the admin actions of every age, newest first. Filters combine
 * with AND; times are a half-open window, `from` ≤ time < `to`.
 */
export class AuditQuery {
  /** Who acted (`admin-api`, `cli`, an MCP client's name). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  actor?: string;

  /** The action, the type without `audit.`: `subscription_deleted`. */
  @IsOptional()
  @Matches(/^[a-z0-9_]+$/, { message: 'action must be an audit action such as subscription_deleted (lower case, digits, _)' })
  action?: string;

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

  @IsOptional()
  @IsIn(LANGS, { message: `lang must be one of ${LANGS.join(', ')}` })
  lang?: Lang;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @IsEventCursor()
  cursor?: string;
}
