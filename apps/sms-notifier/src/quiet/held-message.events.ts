import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventsService } from '@app/events';
import { maskEmail } from '../email/email-address.js';
import { maskPhone } from '../phone/phone-number.js';
import type { NotificationRequest } from '../sending/channel.port.js';

/** What `sms.held` / `email.held` carry: which message waits, until when, and why; the recipient only masked. */
export interface HeldOutcome {
  /** The `held_messages` row (listed by `GET /sms/held`). */
  heldId: string;
  eventId: string;
  eventType: string;
  ruleId: string;
  templateKey: string;
  locale: string | null;
  to: string;
  /** When the quiet window ends and the message is released (ISO 8601). */
  releaseAt: string;
  /** The rule's window, `22:00-08:00`. */
  quietHours: string;
  /** The zone the window was read in (the recipient's, the number's country's, the rule's, or UTC). */
  timeZone: string;
}

/** The typed catalogue of the hold events (type → data). */
export interface HeldEventMap {
  'sms.held': HeldOutcome;
  'email.held': HeldOutcome;
}

/** One message just held for quiet hours. */
export interface NewHold {
  id: string;
  channel: 'sms' | 'email';
  request: NotificationRequest;
  releaseAt: Date;
  quietHours: string;
  timeZone: string;
}

/**
 * Publishes `sms.held` / `email.held` in the transaction that inserts the `held_messages` row
 * (outbox), as the other outcomes are: a hold and its event commit together, once.
 */
@Injectable()
export class HeldMessageEvents {
  constructor(private readonly events: EventsService) {}

  async held(manager: EntityManager, hold: NewHold): Promise<void> {
    const { request } = hold;
    const type: keyof HeldEventMap = hold.channel === 'sms' ? 'sms.held' : 'email.held';
    const data: HeldOutcome = {
      heldId: hold.id,
      eventId: request.eventId,
      eventType: request.eventType,
      ruleId: request.ruleId,
      templateKey: request.templateKey,
      locale: request.locale,
      to: hold.channel === 'sms' ? maskPhone(request.recipient) : maskEmail(request.recipient),
      releaseAt: hold.releaseAt.toISOString(),
      quietHours: hold.quietHours,
      timeZone: hold.timeZone,
    };
    await this.events.publishInTransaction(manager, type, data, {
      level: 'info',
      resourceType: request.resourceType,
      resourceId: request.resourceId,
      causationId: request.eventId,
      audience: 'admin',
      category: 'Notification',
    });
  }
}
