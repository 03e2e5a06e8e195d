import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, edgeError } from '@app/events';
import { EMAIL_STATUSES, type EmailStatus } from '../email/email-message.entity.js';
import { EmailMessagesRepository } from '../email/email-messages.repository.js';
import { SmsMessagesRepository } from '../messages/sms-messages.repository.js';
import { emailView, smsView } from './recent-message-view.js';
import type { RecentMessagePage } from './recent-message.views.js';
import { RecentMessagesQuery } from './recent-messages.query.js';

const isEmailStatus = (s: string): s is EmailStatus => (EMAIL_STATUSES as readonly string[]).includes(s);

/**
 * `GET /notifications/recent` (admin key): the newest SMS or email attempts with their outcome,
 * recipients masked (`/sms/messages` and `/email/messages` return them in full, for support lookups).
 */
@Controller('notifications/recent')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class RecentMessagesController {
  constructor(
    private readonly sms: SmsMessagesRepository,
    private readonly email: EmailMessagesRepository,
  ) {}

  @Get()
  async list(@Query() query: RecentMessagesQuery): Promise<RecentMessagePage> {
    const page = { limit: query.limit ?? 50, offset: query.offset ?? 0 };
    if (query.channel === 'sms') return { items: (await this.sms.list({ ...page, status: query.status })).map(smsView) };
    const status = query.status;
    if (status !== undefined && !isEmailStatus(status)) throw edgeError(400, [`status must be one of ${EMAIL_STATUSES.join(', ')} for email`], 'status');
    return { items: (await this.email.list({ ...page, status })).map(emailView) };
  }
}
