import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { CLOCK, type Clock } from '../clock/clock.js';
import { PageQuery } from '../common/page.query.js';
import { maskEmail } from '../email/email-address.js';
import { maskPhone } from '../phone/phone-number.js';
import { HeldMessagesRepository } from './held-messages.repository.js';

/** A message held for quiet hours, as the admin list shows it (recipient masked). */
export interface HeldMessageView {
  id: string;
  channel: 'sms' | 'email';
  eventId: string;
  eventType: string;
  ruleId: string;
  to: string;
  releaseAt: string;
  /** A scheduler is sending it now. */
  leased: boolean;
  attempts: number;
  createdAt: string;
}

/** `GET /sms/held` (admin key): the messages waiting for their recipient's quiet hours to end, soonest first. */
@Controller('sms/held')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class HeldMessagesController {
  constructor(
    private readonly held: HeldMessagesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Query() query: PageQuery): Promise<HeldMessageView[]> {
    const rows = await this.held.list(query.limit ?? 50, query.offset ?? 0);
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      eventId: r.eventId,
      eventType: r.request.eventType,
      ruleId: r.ruleId,
      to: r.channel === 'sms' ? maskPhone(r.recipient) : maskEmail(r.recipient),
      releaseAt: r.releaseAt.toISOString(),
      leased: r.leaseUntil !== null && r.leaseUntil.getTime() > this.clock.now().getTime(),
      attempts: r.attempts,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}
