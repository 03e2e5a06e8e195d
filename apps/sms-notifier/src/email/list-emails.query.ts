import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/page.query.js';
import { EMAIL_STATUSES, type EmailStatus } from './email-message.entity.js';

/** `GET /email/messages?status=&email=&eventId=&limit=&offset=`. */
export class ListEmailsQuery extends PageQuery {
  @IsOptional() @IsIn(EMAIL_STATUSES, { message: `$property must be one of ${EMAIL_STATUSES.join(', ')}` }) status?: EmailStatus;

  /** The address in any case (compared lower-cased, as stored). */
  @IsOptional() @IsString() @MaxLength(320) email?: string;

  @IsOptional() @IsString() @MaxLength(200) eventId?: string;
}
