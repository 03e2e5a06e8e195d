import { BadRequestException, Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { toE164 } from '../phone/phone-number.js';
import { ListMessagesQuery } from './dto/list-messages.query.js';
import type { SmsMessage } from './sms-message.entity.js';
import { SmsMessagesRepository } from './sms-messages.repository.js';

/** `GET /sms/messages` (admin key): every SMS attempt, newest first, with its status and reason. */
@Controller('sms/messages')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class MessagesController {
  constructor(
    private readonly messages: SmsMessagesRepository,
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
  ) {}

  @Get()
  list(@Query() query: ListMessagesQuery): Promise<SmsMessage[]> {
    let recipient: string | undefined;
    if (query.phone !== undefined) {
      recipient = toE164(query.phone, this.config.defaultRegion);
      if (!recipient) throw new BadRequestException([`phone must be a phone number, e.g. +989121234567 (or national in ${this.config.defaultRegion})`]);
    }
    return this.messages.list({ status: query.status, recipient, eventId: query.eventId, limit: query.limit ?? 50, offset: query.offset ?? 0 });
  }
}
