import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { SmsMessage } from '../messages/sms-message.entity.js';
import { SmsMessagesRepository } from '../messages/sms-messages.repository.js';
import { OptOutsRepository } from '../opt-outs/opt-outs.repository.js';
import { maskPhone, redactPhones } from '../phone/phone-number.js';
import { ProviderRejectedError, SMS_PROVIDERS, type SmsProvider } from '../providers/sms-provider.js';
import type { ChannelPort, ChannelProvider, NotificationRequest, Outcome } from './channel.port.js';
import { SmsMetrics } from './sms-metrics.js';
import { SmsOutcomeEvents, type FailureReason, type SuppressionReason } from './sms-outcome.events.js';

const DAY_MS = 24 * 3600_000;

/** One SMS the rules asked for, with its encoding and segment count. */
export interface SmsRequest extends NotificationRequest {
  encoding: string | null;
  segments: number | null;
  failure?: { reason: FailureReason; detail: string };
}

/** The SMS channel on the sending pipeline: `sms_messages`, opt-outs and the hourly limit, the SMS providers in SMS_PROVIDERS order, `sms.*` events. */
@Injectable()
export class SmsChannel implements ChannelPort<SmsMessage, SmsRequest> {
  readonly name = 'sms';
  readonly noun = 'SMS';
  readonly providers: readonly ChannelProvider<SmsMessage>[];

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(SMS_PROVIDERS) smsProviders: SmsProvider[],
    private readonly messages: SmsMessagesRepository,
    private readonly optOuts: OptOutsRepository,
    private readonly outcomes: SmsOutcomeEvents,
    private readonly metrics: SmsMetrics,
  ) {
    this.providers = smsProviders.map((p) => this.adapt(p));
  }

  private adapt(provider: SmsProvider): ChannelProvider<SmsMessage> {
    const statusCallbackUrl = provider.statusCallbacks && this.config.publicBaseUrl ? `${this.config.publicBaseUrl}/sms/status/${provider.name}` : undefined;
    return {
      name: provider.name,
      deliver: async (row) => {
        const stopTimer = this.metrics.providerSeconds.startTimer({ provider: provider.name });
        try {
          const sent = await provider.send({ to: row.recipient, text: row.body!, idempotencyKey: row.id, statusCallbackUrl });
          stopTimer({ result: 'accepted' });
          return sent;
        } catch (err) {
          stopTimer({ result: err instanceof ProviderRejectedError ? 'rejected' : 'error' });
          throw err;
        }
      },
      findSent: async (m, row, claimedAt) => {
        const recordedIds = await this.messages.providerIdsSince(m, row.recipient, new Date(claimedAt.getTime() - DAY_MS));
        return provider.findSent({ to: row.recipient, text: row.body!, idempotencyKey: row.id, claimedAt, recordedIds });
      },
    };
  }

  mask = maskPhone;
  redact = redactPhones;

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.messages.transaction(work);
  }

  lockRecipient(m: EntityManager, recipient: string): Promise<void> {
    return this.messages.lockRecipient(m, recipient);
  }

  findForUpdate(m: EntityManager, key: Pick<SmsMessage, 'eventId' | 'ruleId' | 'recipient'>): Promise<SmsMessage | null> {
    return this.messages.findForUpdate(m, key);
  }

  insert(m: EntityManager, row: SmsMessage): Promise<void> {
    return this.messages.insert(m, row);
  }

  update(m: EntityManager, row: SmsMessage, changes: Partial<SmsMessage>): Promise<SmsMessage> {
    return this.messages.update(m, row, changes);
  }

  /** Opted out; on a first claim also the hourly limit (a retry of a counted SMS does not count twice). */
  async holdBack(m: EntityManager, recipient: string, firstClaim: boolean): Promise<SuppressionReason | undefined> {
    if (await this.optOuts.isOptedOut(recipient, m)) return 'opted_out';
    if (firstClaim && this.config.ratePerHour > 0 && (await this.messages.sentInLastHour(m, recipient)) >= this.config.ratePerHour) return 'rate_limited';
    return undefined;
  }

  async publish(m: EntityManager, row: SmsMessage, outcome: Outcome): Promise<void> {
    switch (outcome.kind) {
      case 'sent':
        return this.outcomes.publish(m, 'sms.sent', row, {});
      case 'failed':
        return this.outcomes.publish(m, 'sms.failed', row, { reason: outcome.reason as FailureReason, providerError: outcome.providerError });
      case 'suppressed':
        return this.outcomes.publish(m, 'sms.suppressed', row, { reason: outcome.reason as SuppressionReason });
      case 'outcome_unknown':
        return this.outcomes.publish(m, 'sms.outcome_unknown', row, { action: outcome.action, claimedAt: outcome.claimedAt });
    }
  }

  count(provider: string, outcome: 'sent' | 'failed' | 'suppressed' | 'retrying', reason: string): void {
    this.metrics.outcomes.inc({ provider, outcome, reason });
  }

  newRow(r: SmsRequest): SmsMessage {
    const now = new Date();
    return {
      id: randomUUID(),
      eventId: r.eventId,
      ruleId: r.ruleId,
      recipient: r.recipient.slice(0, 64),
      status: 'sending',
      eventType: r.eventType,
      resourceType: r.resourceType ?? null,
      resourceId: r.resourceId ?? null,
      templateKey: r.templateKey,
      locale: r.locale,
      body: r.text,
      encoding: r.encoding,
      segments: r.segments,
      provider: null,
      providerMessageId: null,
      providerStatus: null,
      reason: null,
      providerError: null,
      attempts: 0,
      claimedAt: null,
      sentAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }
}
