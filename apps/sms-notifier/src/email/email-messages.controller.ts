import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, edgeError } from '@app/events';
import { normalizeEmail } from './email-address.js';
import type { EmailMessage } from './email-message.entity.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { ListEmailsQuery } from './list-emails.query.js';

/** `GET /email/messages` (admin key): every email attempt, newest first, with its status, reason and sending server. */
@Controller('email/messages')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class EmailMessagesController {
  constructor(private readonly messages: EmailMessagesRepository) {}

  @Get()
  list(@Query() query: ListEmailsQuery): Promise<EmailMessage[]> {
    let recipient: string | undefined;
    if (query.email !== undefined) {
      recipient = normalizeEmail(query.email);
      if (!recipient) throw edgeError(400, ['email must be an email address, e.g. sara@example.com'], 'email');
    }
    return this.messages.list({ status: query.status, recipient, eventId: query.eventId, limit: query.limit ?? 50, offset: query.offset ?? 0 });
  }
}
