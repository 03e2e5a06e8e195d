import { Inject, Injectable, Logger } from '@nestjs/common';
import { withSpan } from '@app/events';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { ProviderRejectedError, ProviderUnavailableError } from '../providers/sms-provider.js';
import type { SendOutcome } from '../sending/sms-sender.service.js';
import { maskEmail, redactEmails } from './email-address.js';
import { emailContent } from './email-content.js';
import type { EmailMessage, EmailStatus } from './email-message.entity.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { EmailOutcomeEvents, type EmailFailureReason, type EmailSuppressionReason } from './email-outcome.events.js';
import { SmtpTransport } from './smtp-transport.js';
import { signUnsubscribe } from './unsubscribe-token.js';

/** One email the rules asked for, or the reason it cannot be sent. */
export interface EmailRequest {
  eventId: string;
  eventType: string;
  resourceType?: string;
  resourceId?: string;
  ruleId: string;
  templateKey: string;
  /** Normalised address, or the raw value when `failure` is `invalid_address`. */
  recipient: string;
  locale: string | null;
  /** The rendered template text (subject on its first line). */
  text: string | null;
  failure?: { reason: EmailFailureReason; detail: string };
  stale?: boolean;
}

type Claim = { kind: 'send'; message: EmailMessage } | { kind: 'done' } | { kind: 'busy'; afterMs: number };

const FINAL = new Set<EmailStatus>(['sent', 'failed', 'suppressed']);

/**
 * Sends one email at most once per (event, rule, recipient), as the SMS side does: a claim row in
 * PostgreSQL before the SMTP server is called, then the outcome and its `email.*` event committed
 * together. SMTP cannot be asked afterwards whether it took a message, so a claim a crash left
 * unrecorded is an unknown outcome, settled by SMS_UNKNOWN_OUTCOME (skip by default).
 */
@Injectable()
export class EmailSender {
  private readonly logger = new Logger(EmailSender.name);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly transport: SmtpTransport,
    private readonly messages: EmailMessagesRepository,
    private readonly outcomes: EmailOutcomeEvents,
  ) {}

  async send(request: EmailRequest, lastDelivery: boolean): Promise<SendOutcome> {
    const claim = await this.messages.transaction((m) => this.claim(m, request));
    if (claim.kind === 'done') return claim;
    if (claim.kind === 'busy') return { kind: 'retry', afterMs: claim.afterMs, error: 'another delivery of this event is sending the email' };
    return this.callServer(claim.message, lastDelivery);
  }

  private async claim(m: EntityManager, request: EmailRequest): Promise<Claim> {
    const row = this.newRow(request);
    await this.messages.lockAddress(m, row.recipient);
    const existing = await this.messages.findForUpdate(m, { eventId: row.eventId, ruleId: row.ruleId, recipient: row.recipient });
    if (existing) return this.reclaim(m, existing);
    if (request.stale) return this.suppress(m, row, 'stale');
    if (request.failure) {
      const failed = { ...row, status: 'failed' as const, reason: request.failure.reason, providerError: request.failure.detail.slice(0, 200) };
      await this.messages.insert(m, failed);
      await this.outcomes.publish(m, 'email.failed', failed, { reason: request.failure.reason, providerError: failed.providerError });
      this.logger.warn(`${request.eventType} ${request.eventId}: no email for rule ${request.ruleId} (${request.failure.reason}: ${redactEmails(request.failure.detail)})`);
      return { kind: 'done' };
    }
    if (await this.messages.isUnsubscribed(m, row.recipient)) return this.suppress(m, row, 'unsubscribed');
    const sending = { ...row, status: 'sending' as const, attempts: 1, claimedAt: new Date() };
    await this.messages.insert(m, sending);
    return { kind: 'send', message: sending };
  }

  private async suppress(m: EntityManager, row: EmailMessage, reason: EmailSuppressionReason, existing = false): Promise<Claim> {
    const done = existing ? await this.messages.update(m, row, { status: 'suppressed', reason, claimedAt: null }) : { ...row, status: 'suppressed' as const, reason };
    if (!existing) await this.messages.insert(m, done);
    await this.outcomes.publish(m, 'email.suppressed', done, reason === 'outcome_unknown' ? { reason, action: 'skip' } : { reason });
    this.logger.log(`${row.eventType} ${row.eventId}: email to ${maskEmail(row.recipient)} suppressed (${reason})`);
    return { kind: 'done' };
  }

  /** A redelivery or replay finds the row: final → nothing; retrying → send again; an expired claim → SMS_UNKNOWN_OUTCOME. */
  private async reclaim(m: EntityManager, row: EmailMessage): Promise<Claim> {
    if (FINAL.has(row.status)) return { kind: 'done' };
    if (row.status === 'sending' && row.claimedAt) {
      const age = Date.now() - row.claimedAt.getTime();
      if (age < this.config.sendingLeaseMs) return { kind: 'busy', afterMs: this.config.sendingLeaseMs - age };
      this.logger.warn(`email ${row.id} to ${maskEmail(row.recipient)} was claimed ${age} ms ago and never recorded (crashed?); SMTP cannot tell whether it took it: SMS_UNKNOWN_OUTCOME=${this.config.unknownOutcome ?? 'skip'}`);
      if ((this.config.unknownOutcome ?? 'skip') === 'skip') return this.suppress(m, row, 'outcome_unknown', true);
    }
    if (await this.messages.isUnsubscribed(m, row.recipient)) return this.suppress(m, row, 'unsubscribed', true);
    return { kind: 'send', message: await this.messages.update(m, row, { status: 'sending', attempts: row.attempts + 1, claimedAt: new Date() }) };
  }

  private async callServer(message: EmailMessage, lastDelivery: boolean): Promise<SendOutcome> {
    const email = this.config.email!;
    const unsubscribeUrl = `${this.config.publicBaseUrl}/email/unsubscribe?token=${signUnsubscribe(message.recipient, email.unsubscribeSecret)}`;
    const content = emailContent(message.body!, message.locale, unsubscribeUrl);
    let sent: { providerMessageId: string; provider: string };
    try {
      sent = await withSpan('email.send', { 'mesh.provider': this.transport.name, 'mesh.email_id': message.id }, () =>
        this.transport.send({ to: message.recipient, ...content, id: message.id, unsubscribeUrl }),
      );
    } catch (err) {
      return this.serverFailed(message, err, lastDelivery);
    }
    // If this commit fails, the row stays `sending`: after the lease it is an unknown outcome (README).
    await this.messages.transaction(async (m) => {
      const done = await this.messages.update(m, message, { status: 'sent', provider: sent.provider, providerMessageId: sent.providerMessageId, providerError: null, claimedAt: null, sentAt: new Date() });
      await this.outcomes.publish(m, 'email.sent', done, {});
    });
    this.logger.log(`email ${message.id} sent to ${maskEmail(message.recipient)} via ${sent.provider}`);
    return { kind: 'done' };
  }

  private async serverFailed(message: EmailMessage, err: unknown, lastDelivery: boolean): Promise<SendOutcome> {
    if (!(err instanceof ProviderRejectedError || err instanceof ProviderUnavailableError)) throw err;
    // SMTP servers quote the address in their answers; logs and events only get it masked.
    const providerError = redactEmails(err.message).slice(0, 200);
    if (err instanceof ProviderUnavailableError && !lastDelivery) {
      await this.messages.transaction((m) => this.messages.update(m, message, { status: 'retrying', provider: this.transport.name, providerError, claimedAt: null }));
      this.logger.warn(`email ${message.id} to ${maskEmail(message.recipient)} will be retried: ${providerError}`);
      return { kind: 'retry', afterMs: err.retryAfterMs, error: providerError };
    }
    const reason: EmailFailureReason = err instanceof ProviderRejectedError ? 'rejected' : 'provider_unavailable';
    await this.messages.transaction(async (m) => {
      const done = await this.messages.update(m, message, { status: 'failed', reason, provider: this.transport.name, providerError, claimedAt: null });
      await this.outcomes.publish(m, 'email.failed', done, { reason, providerError });
    });
    this.logger.warn(`email ${message.id} to ${maskEmail(message.recipient)} failed (${reason}): ${providerError}`);
    return { kind: 'done' };
  }

  private newRow(r: EmailRequest): EmailMessage {
    const now = new Date();
    return {
      id: randomUUID(),
      eventId: r.eventId,
      ruleId: r.ruleId,
      recipient: r.recipient.slice(0, 320),
      status: 'sending',
      eventType: r.eventType,
      resourceType: r.resourceType ?? null,
      resourceId: r.resourceId ?? null,
      templateKey: r.templateKey,
      locale: r.locale,
      subject: r.text ? r.text.split(/\r?\n/)[0].slice(0, 200) : null,
      body: r.text,
      provider: null,
      providerMessageId: null,
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
