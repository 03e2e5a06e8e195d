import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/page.query.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../sms-message.entity.js';

/** `GET /sms/messages?status=&phone=&eventId=&limit=&offset=`. */
export class ListMessagesQuery extends PageQuery {
  @IsOptional() @IsIn(MESSAGE_STATUSES, { message: `$property must be one of ${MESSAGE_STATUSES.join(', ')}` }) status?: MessageStatus;

  /** Any way of writing the number (normalised to E.164 with SMS_DEFAULT_REGION). */
  @IsOptional() @IsString() @MaxLength(64) phone?: string;

  @IsOptional() @IsString() @MaxLength(200) eventId?: string;
}
