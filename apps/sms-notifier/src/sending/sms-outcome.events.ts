import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventsService, type EventLevel } from '@app/events';
import type { SmsMessage } from '../messages/sms-message.entity.js';
import type { UnknownOutcomeAction } from '../config/sms-env.js';
import { maskPhone } from '../phone/phone-number.js';

/** Why an SMS was not sent (`sms.failed`) or held back (`sms.suppressed`). */
export type FailureReason = 'invalid_phone' | 'unknown_user' | 'template_missing' | 'missing_data' | 'rejected' | 'provider_unavailable';
export type SuppressionReason = 'opted_out' | 'rate_limited' | 'stale' | 'preference';

/** What every `sms.*` outcome carries; the number only masked (events end up in logs and stores). */
export interface SmsOutcome {
  smsId: string;
  eventId: string;
  eventType: string;
  ruleId: string;
  templateKey: string;
  locale: string | null;
  to: string;
  provider: string | null;
  providerMessageId: string | null;
  segments: number | null;
  encoding: string | null;
}

/** The typed catalogue of this app's events (type → data). */
export interface SmsEventMap {
  'sms.sent': SmsOutcome;
  'sms.failed': SmsOutcome & { reason: FailureReason; providerError: string | null };
  'sms.suppressed': SmsOutcome & { reason: SuppressionReason };
  'sms.delivered': SmsOutcome & { providerStatus: string };
  'sms.undelivered': SmsOutcome & { providerStatus: string; errorCode: string | null };
  'sms.outcome_unknown': SmsOutcome & { action: UnknownOutcomeAction; claimedAt: string };
}

const LEVEL: Record<keyof SmsEventMap, EventLevel> = {
  'sms.sent': 'success',
  'sms.failed': 'error',
  'sms.suppressed': 'info',
  'sms.delivered': 'success',
  'sms.undelivered': 'warn',
  'sms.outcome_unknown': 'warn',
};

/**
 * Publishes each outcome inside the transaction that records it (through the outbox), so the
 * `sms_messages` row and its event commit together: no outcome is lost or published twice.
 */
@Injectable()
export class SmsOutcomeEvents {
  constructor(private readonly events: EventsService) {}

  async publish<K extends keyof SmsEventMap>(manager: EntityManager, type: K, message: SmsMessage, extra: Omit<SmsEventMap[K], keyof SmsOutcome>): Promise<void> {
    const data = { ...outcomeOf(message), ...extra } as SmsEventMap[K];
    await this.events.publishInTransaction(manager, type, data, {
      level: LEVEL[type],
      resourceType: message.resourceType ?? undefined,
      resourceId: message.resourceId ?? undefined,
      causationId: message.eventId,
      // For admins (the number is masked, as in the Strapi design's SMS log); the feed never shows it.
      audience: 'admin',
      category: type === 'sms.failed' || type === 'sms.undelivered' ? 'Error' : 'Notification',
    });
  }
}

export const outcomeOf = (m: SmsMessage): SmsOutcome => ({
  smsId: m.id,
  eventId: m.eventId,
  eventType: m.eventType,
  ruleId: m.ruleId,
  templateKey: m.templateKey,
  locale: m.locale,
  to: maskPhone(m.recipient),
  provider: m.provider,
  providerMessageId: m.providerMessageId,
  segments: m.segments,
  encoding: m.encoding,
});
