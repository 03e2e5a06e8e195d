import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventsService, type EventLevel } from '@app/events';
import type { UnknownOutcomeAction } from '../config/sms-env.js';
import { maskEmail } from './email-address.js';
import type { EmailMessage } from './email-message.entity.js';

export type EmailFailureReason = 'invalid_address' | 'unknown_user' | 'template_missing' | 'missing_data' | 'rejected' | 'provider_unavailable';
export type EmailSuppressionReason = 'unsubscribed' | 'stale' | 'outcome_unknown' | 'preference';

/** What every `email.*` outcome carries; the address only masked. */
export interface EmailOutcome {
  emailId: string;
  eventId: string;
  eventType: string;
  ruleId: string;
  templateKey: string;
  locale: string | null;
  to: string;
  provider: string | null;
  providerMessageId: string | null;
}

/** The typed catalogue of the email channel's events (type → data). */
export interface EmailEventMap {
  'email.sent': EmailOutcome;
  'email.failed': EmailOutcome & { reason: EmailFailureReason; providerError: string | null };
  'email.suppressed': EmailOutcome & { reason: EmailSuppressionReason; action?: UnknownOutcomeAction };
  'email.unsubscribed': { to: string };
}

const LEVEL: Record<keyof EmailEventMap, EventLevel> = {
  'email.sent': 'success',
  'email.failed': 'error',
  'email.suppressed': 'info',
  'email.unsubscribed': 'info',
};

/** Publishes each outcome in the transaction that records it (outbox), as the SMS outcomes are. */
@Injectable()
export class EmailOutcomeEvents {
  constructor(private readonly events: EventsService) {}

  async publish<K extends Exclude<keyof EmailEventMap, 'email.unsubscribed'>>(
    manager: EntityManager,
    type: K,
    message: EmailMessage,
    extra: Omit<EmailEventMap[K], keyof EmailOutcome>,
  ): Promise<void> {
    const data = { ...emailOutcomeOf(message), ...extra } as EmailEventMap[K];
    await this.events.publishInTransaction(manager, type, data, {
      level: LEVEL[type],
      resourceType: message.resourceType ?? undefined,
      resourceId: message.resourceId ?? undefined,
      causationId: message.eventId,
      audience: 'admin',
      category: type === 'email.failed' ? 'Error' : 'Notification',
    });
  }

  async unsubscribed(manager: EntityManager, address: string): Promise<void> {
    await this.events.publishInTransaction(manager, 'email.unsubscribed', { to: maskEmail(address) }, { level: LEVEL['email.unsubscribed'], audience: 'admin', category: 'Notification' });
  }
}

const emailOutcomeOf = (m: EmailMessage): EmailOutcome => ({
  emailId: m.id,
  eventId: m.eventId,
  eventType: m.eventType,
  ruleId: m.ruleId,
  templateKey: m.templateKey,
  locale: m.locale,
  to: maskEmail(m.recipient),
  provider: m.provider,
  providerMessageId: m.providerMessageId,
});
