import { Inject, Injectable, Logger } from '@nestjs/common';
import { withSpan } from '@app/events';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { SmsMessage, type MessageStatus } from '../messages/sms-message.entity.js';
import { SmsMessagesRepository } from '../messages/sms-messages.repository.js';
import { OptOutsRepository } from '../opt-outs/opt-outs.repository.js';
import { maskPhone, redactPhones } from '../phone/phone-number.js';
import { SMS_PROVIDER, ProviderRejectedError, ProviderUnavailableError, type Reconciliation, type SentSms, type SmsProvider } from '../providers/sms-provider.js';
import { UnknownOutcomes } from '../providers/unknown-outcomes.js';
import type { FailureReason, SuppressionReason } from './sms-outcome.events.js';
import { SmsOutcomeEvents } from './sms-outcome.events.js';
import { SmsMetrics } from './sms-metrics.js';

/** One SMS the rules asked for: who, what, and why (or a reason it cannot be sent at all). */
export interface SmsRequest {
  eventId: string;
  eventType: string;
  resourceType?: string;
  resourceId?: string;
  ruleId: string;
  templateKey: string;
  /** E.164, or the raw value when `failure` is `invalid_phone`. */
  recipient: string;
  locale: string | null;
  text: string | null;
  encoding: string | null;
  segments: number | null;
  /** Known before any claim: the SMS is recorded as failed with this reason and never sent. */
  failure?: { reason: FailureReason; detail: string };
  /** The event is older than SMS_MAX_EVENT_AGE (live stream only): recorded as suppressed, never sent. */
  stale?: boolean;
}

export type SendOutcome = { kind: 'done' } | { kind: 'retry'; afterMs?: number; error: string };

type Claim = { kind: 'send'; message: SmsMessage } | { kind: 'done' } | { kind: 'busy'; afterMs: number } | { kind: 'retry'; afterMs?: number; error: string };

const DAY_MS = 24 * 3600_000;

const FINAL = new Set<MessageStatus>(['sent', 'delivered', 'undelivered', 'failed', 'suppressed']);

/**
 * Sends one SMS at most once per (event, rule, recipient). The attempt is claimed in PostgreSQL
 * (unique key, recipient lock for the opt-out and rate checks) before the provider is called, and
 * its outcome is recorded together with its `sms.*` event. A crash after the provider accepted and
 * before the outcome committed leaves a `sending` row; once its lease expires the provider is asked
 * whether it took it before anything is sent again (README, "Exactly once").
 */
@Injectable()
export class SmsSender {
  private readonly logger = new Logger(SmsSender.name);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    private readonly messages: SmsMessagesRepository,
    private readonly optOuts: OptOutsRepository,
    private readonly outcomes: SmsOutcomeEvents,
    private readonly metrics: SmsMetrics,
    private readonly unknownOutcomes: UnknownOutcomes,
  ) {}

  /** `lastDelivery`: a provider outage now ends the SMS as failed instead of asking for a retry. */
  async send(request: SmsRequest, lastDelivery: boolean): Promise<SendOutcome> {
    const claim = await this.messages.transaction((m) => this.claim(m, request));
    if (claim.kind === 'done' || claim.kind === 'retry') return claim;
    if (claim.kind === 'busy') return { kind: 'retry', afterMs: claim.afterMs, error: 'another delivery of this event is sending the SMS' };
    return this.callProvider(claim.message, lastDelivery);
  }

  private async claim(m: EntityManager, request: SmsRequest): Promise<Claim> {
    const row = this.newRow(request);
    await this.messages.lockRecipient(m, row.recipient);
    const existing = await this.messages.findForUpdate(m, { eventId: row.eventId, ruleId: row.ruleId, recipient: row.recipient });
    if (existing) return this.reclaim(m, existing);
    if (request.stale) return this.suppress(m, request, row, 'stale');
    if (request.failure) {
      const failed = { ...row, status: 'failed' as const, reason: request.failure.reason, providerError: request.failure.detail.slice(0, 200) };
      await this.messages.insert(m, failed);
      await this.outcomes.publish(m, 'sms.failed', failed, { reason: failed.reason, providerError: failed.providerError });
      this.count('failed', failed.reason);
      this.logger.warn(`${request.eventType} ${request.eventId}: no SMS for rule ${request.ruleId} (${request.failure.reason}: ${request.failure.detail})`);
      return { kind: 'done' };
    }
    const suppressed = (await this.optOuts.isOptedOut(request.recipient, m))
      ? ('opted_out' as const)
      : this.config.ratePerHour > 0 && (await this.messages.sentInLastHour(m, request.recipient)) >= this.config.ratePerHour
        ? ('rate_limited' as const)
        : undefined;
    if (suppressed) return this.suppress(m, request, row, suppressed);
    const sending = { ...row, status: 'sending' as const, attempts: 1, claimedAt: new Date() };
    await this.messages.insert(m, sending);
    return { kind: 'send', message: sending };
  }

  private async suppress(m: EntityManager, request: SmsRequest, row: SmsMessage, reason: SuppressionReason): Promise<Claim> {
    const done = { ...row, status: 'suppressed' as const, reason };
    await this.messages.insert(m, done);
    await this.outcomes.publish(m, 'sms.suppressed', done, { reason });
    this.count('suppressed', reason);
    this.logger.log(`${request.eventType} ${request.eventId}: SMS to ${maskPhone(request.recipient)} suppressed (${reason})`);
    return { kind: 'done' };
  }

  /** A redelivery or replay finds the row: final → nothing to do; retrying or a stale claim → send again. */
  private async reclaim(m: EntityManager, row: SmsMessage): Promise<Claim> {
    if (FINAL.has(row.status)) return { kind: 'done' };
    if (row.status === 'sending' && row.claimedAt) {
      const age = Date.now() - row.claimedAt.getTime();
      if (age < this.config.sendingLeaseMs) return { kind: 'busy', afterMs: this.config.sendingLeaseMs - age };
      this.logger.warn(`SMS ${row.id} to ${maskPhone(row.recipient)} was claimed ${age} ms ago and never recorded (crashed?); asking ${this.provider.name} whether it took it`);
      const settled = await this.reconcile(m, row, row.claimedAt);
      if (settled) return settled;
    }
    if (await this.optOuts.isOptedOut(row.recipient, m)) {
      const done = await this.messages.update(m, row, { status: 'suppressed', reason: 'opted_out', claimedAt: null });
      await this.outcomes.publish(m, 'sms.suppressed', done, { reason: 'opted_out' });
      this.count('suppressed', 'opted_out');
      return { kind: 'done' };
    }
    return { kind: 'send', message: await this.messages.update(m, row, { status: 'sending', attempts: row.attempts + 1, claimedAt: new Date() }) };
  }

  /**
   * Runs under the claim's row lock, so one replica reconciles it. Resolves to a final claim
   * (found at the provider, or skipped), a retry (the provider cannot be asked now), or undefined:
   * send again.
   */
  private async reconcile(m: EntityManager, row: SmsMessage, claimedAt: Date): Promise<Claim | undefined> {
    const recordedIds = await this.messages.providerIdsSince(m, row.recipient, new Date(claimedAt.getTime() - DAY_MS));
    let answer: Reconciliation;
    try {
      answer = await this.provider.findSent({ to: row.recipient, text: row.body!, idempotencyKey: row.id, claimedAt, recordedIds });
    } catch (err) {
      if (err instanceof ProviderUnavailableError) {
        const error = redactPhones(err.message).slice(0, 200);
        this.logger.warn(`SMS ${row.id}: cannot ask ${this.provider.name} whether it took it yet, retrying later: ${error}`);
        return { kind: 'retry', afterMs: err.retryAfterMs, error };
      }
      // A refused lookup (credentials without list rights, …) tells nothing about the SMS.
      if (!(err instanceof ProviderRejectedError)) throw err;
      this.logger.warn(`SMS ${row.id}: ${this.provider.name} refused the lookup: ${redactPhones(err.message).slice(0, 200)}`);
      answer = { kind: 'unknown' };
    }
    switch (answer.kind) {
      case 'found': {
        const done = await this.messages.update(m, row, {
          status: 'sent',
          provider: this.provider.name,
          providerMessageId: answer.providerMessageId,
          providerError: null,
          claimedAt: null,
          sentAt: new Date(),
        });
        await this.outcomes.publish(m, 'sms.sent', done, {});
        this.count('sent', 'reconciled');
        this.logger.log(`SMS ${row.id} to ${maskPhone(row.recipient)} was taken by ${this.provider.name} before the crash (${answer.providerMessageId}); not sending it again`);
        return { kind: 'done' };
      }
      case 'not_found':
      case 'idempotent':
        this.logger.log(`SMS ${row.id}: ${answer.kind === 'not_found' ? `${this.provider.name} never took it` : `${this.provider.name} drops a repeat of its idempotency key`}; sending it again`);
        return undefined;
      case 'unknown': {
        const action = this.config.unknownOutcome ?? 'skip';
        this.unknownOutcomes.record(this.provider.name, action);
        const changes = action === 'skip' ? { status: 'suppressed' as const, reason: 'outcome_unknown', provider: this.provider.name, claimedAt: null } : {};
        const updated = await this.messages.update(m, row, changes);
        await this.outcomes.publish(m, 'sms.outcome_unknown', updated, { action, claimedAt: claimedAt.toISOString() });
        this.logger.warn(`SMS ${row.id} to ${maskPhone(row.recipient)}: ${this.provider.name} cannot tell whether it was sent; SMS_UNKNOWN_OUTCOME=${action}`);
        return action === 'skip' ? { kind: 'done' } : undefined;
      }
    }
  }

  private async callProvider(message: SmsMessage, lastDelivery: boolean): Promise<SendOutcome> {
    const statusCallbackUrl = this.provider.statusCallbacks && this.config.publicBaseUrl ? `${this.config.publicBaseUrl}/sms/status/${this.provider.name}` : undefined;
    const stopTimer = this.metrics.providerSeconds.startTimer({ provider: this.provider.name });
    let sent: SentSms;
    try {
      sent = await withSpan('sms.send', { 'mesh.provider': this.provider.name, 'mesh.sms_id': message.id }, () =>
        this.provider.send({ to: message.recipient, text: message.body!, idempotencyKey: message.id, statusCallbackUrl }),
      );
      stopTimer({ result: 'accepted' });
    } catch (err) {
      stopTimer({ result: err instanceof ProviderRejectedError ? 'rejected' : 'error' });
      return this.providerFailed(message, err, lastDelivery);
    }
    // If this commit fails, the row stays `sending` and a redelivery after the lease sends again: the documented window.
    await this.messages.transaction(async (m) => {
      const done = await this.messages.update(m, message, {
        status: 'sent',
        provider: this.provider.name,
        providerMessageId: sent.providerMessageId,
        segments: sent.segments ?? message.segments,
        providerError: null,
        claimedAt: null,
        sentAt: new Date(),
      });
      await this.outcomes.publish(m, 'sms.sent', done, {});
    });
    this.count('sent', '');
    this.logger.log(`SMS ${message.id} sent to ${maskPhone(message.recipient)} via ${this.provider.name} (${sent.providerMessageId})`);
    return { kind: 'done' };
  }

  /** Retry later (the row becomes `retrying`), or record the SMS as failed with its `sms.failed`. */
  private async providerFailed(message: SmsMessage, err: unknown, lastDelivery: boolean): Promise<SendOutcome> {
    // Anything else is a bug here, not the provider's answer: the transport retries, then dead-letters.
    if (!(err instanceof ProviderRejectedError || err instanceof ProviderUnavailableError)) throw err;
    // Providers quote the number in their errors; logs and events only ever get it masked.
    const providerError = redactPhones(err.message).slice(0, 200);
    if (err instanceof ProviderUnavailableError && !lastDelivery) {
      await this.messages.transaction((m) => this.messages.update(m, message, { status: 'retrying', provider: this.provider.name, providerError, claimedAt: null }));
      this.count('retrying', 'provider_unavailable');
      this.logger.warn(`SMS ${message.id} to ${maskPhone(message.recipient)} will be retried: ${providerError}`);
      return { kind: 'retry', afterMs: err.retryAfterMs, error: providerError };
    }
    const reason: FailureReason = err instanceof ProviderRejectedError ? 'rejected' : 'provider_unavailable';
    await this.messages.transaction(async (m) => {
      const done = await this.messages.update(m, message, { status: 'failed', reason, provider: this.provider.name, providerError, claimedAt: null });
      await this.outcomes.publish(m, 'sms.failed', done, { reason, providerError });
    });
    this.count('failed', reason);
    this.logger.warn(`SMS ${message.id} to ${maskPhone(message.recipient)} failed (${reason}): ${providerError}`);
    return { kind: 'done' };
  }

  private count(outcome: 'sent' | 'failed' | 'suppressed' | 'retrying', reason: string): void {
    this.metrics.outcomes.inc({ provider: this.provider.name, outcome, reason });
  }

  private newRow(r: SmsRequest): SmsMessage {
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
