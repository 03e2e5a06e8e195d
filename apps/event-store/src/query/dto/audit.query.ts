import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EventPageQuery } from './event-page.query.js';

/** Query of `GET /events/audit`: the admin actions of every age, newest first; filters combine with AND. */
export class AuditQuery extends EventPageQuery {
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
}
