import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../common/page.query.js';
import { MESSAGE_STATUSES } from '../messages/sms-message.entity.js';
import type { NotificationChannel } from './recent-message.views.js';

const CHANNELS: NotificationChannel[] = ['sms', 'email'];

/** `GET /notifications/recent?channel=sms|email&status=&limit=&offset=`; an email status is checked against its channel by the controller. */
export class RecentMessagesQuery extends PageQuery {
  @IsIn(CHANNELS, { message: `$property must be one of ${CHANNELS.join(', ')}` }) channel!: NotificationChannel;

  @IsOptional() @IsIn(MESSAGE_STATUSES, { message: `$property must be one of ${MESSAGE_STATUSES.join(', ')}` }) status?: (typeof MESSAGE_STATUSES)[number];
}
