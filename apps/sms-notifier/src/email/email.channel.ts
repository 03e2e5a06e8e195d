import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { MetricsService } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import type { ChannelPort, ChannelProvider, NotificationRequest, Outcome } from '../sending/channel.port.js';
import { maskEmail, redactEmails } from './email-address.js';
import { emailContent } from './email-content.js';
import type { EmailMessage } from './email-message.entity.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { EmailOutcomeEvents, type EmailFailureReason, type EmailSuppressionReason } from './email-outcome.events.js';
import { SmtpTransport, type SmtpServer } from './smtp-transport.js';
import { signUnsubscribe } from './unsubscribe-token.js';

/** One email the rules asked for (the rendered text's first line is its subject). */
export interface EmailRequest extends NotificationRequest {
  failure?: { reason: EmailFailureReason; detail: string };
}

/**
 * The email channel on the sending pipeline: `email_messages`, unsubscribes, the SMTP servers in
 * EMAIL_SMTP_URL order, `email.*` events. SMTP cannot be asked afterwards whether it took a
 * message, so an attempt whose answer was lost is an unknown outcome.
 */
@Injectable()
export class EmailChannel implements ChannelPort<EmailMessage, EmailRequest> {
  readonly name = 'email';
  readonly noun = 'email';
  readonly providers: readonly ChannelProvider<EmailMessage>[];
  private readonly outcomesTotal: Counter<'provider' | 'outcome' | 'reason'>;

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    transport: SmtpTransport,
    private readonly messages: EmailMessagesRepository,
    private readonly outcomes: EmailOutcomeEvents,
    metrics: MetricsService,
  ) {
    this.providers = transport.servers.map((server) => this.adapt(server));
    this.outcomesTotal = new Counter({
      name: 'email_outcomes_total',
      help: 'Email outcomes by server, outcome (sent, failed, suppressed, retrying) and reason',
      labelNames: ['provider', 'outcome', 'reason'],
      registers: [metrics.registry],
    });
  }

  private adapt(server: SmtpServer): ChannelProvider<EmailMessage> {
    return {
      name: server.name,
      deliver: (row) => {
        const unsubscribeUrl = `${this.config.publicBaseUrl}/email/unsubscribe?token=${signUnsubscribe(row.recipient, this.config.email!.unsubscribeSecret)}`;
        return server.send({ to: row.recipient, ...emailContent(row.body!, row.locale, unsubscribeUrl), id: row.id, unsubscribeUrl });
      },
      findSent: () => Promise.resolve({ kind: 'unknown' }),
    };
  }

  mask = maskEmail;
  redact = redactEmails;

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.messages.transaction(work);
  }

  lockRecipient(m: EntityManager, recipient: string): Promise<void> {
    return this.messages.lockAddress(m, recipient);
  }

  findForUpdate(m: EntityManager, key: Pick<EmailMessage, 'eventId' | 'ruleId' | 'recipient'>): Promise<EmailMessage | null> {
    return this.messages.findForUpdate(m, key);
  }

  insert(m: EntityManager, row: EmailMessage): Promise<void> {
    return this.messages.insert(m, row);
  }

  update(m: EntityManager, row: EmailMessage, changes: Partial<EmailMessage>): Promise<EmailMessage> {
    return this.messages.update(m, row, changes);
  }

  async holdBack(m: EntityManager, recipient: string): Promise<EmailSuppressionReason | undefined> {
    return (await this.messages.isUnsubscribed(m, recipient)) ? 'unsubscribed' : undefined;
  }

  async publish(m: EntityManager, row: EmailMessage, outcome: Outcome): Promise<void> {
    switch (outcome.kind) {
      case 'sent':
        return this.outcomes.publish(m, 'email.sent', row, {});
      case 'failed':
        return this.outcomes.publish(m, 'email.failed', row, { reason: outcome.reason as EmailFailureReason, providerError: outcome.providerError });
      case 'suppressed':
        return this.outcomes.publish(m, 'email.suppressed', row, { reason: outcome.reason as EmailSuppressionReason });
      case 'outcome_unknown':
        // A resend is reported by its own email.sent; a skip is the email's final word.
        if (outcome.action === 'skip') await this.outcomes.publish(m, 'email.suppressed', row, { reason: 'outcome_unknown', action: 'skip' });
        return;
    }
  }

  count(provider: string, outcome: 'sent' | 'failed' | 'suppressed' | 'retrying', reason: string): void {
    this.outcomesTotal.inc({ provider, outcome, reason });
  }

  newRow(r: EmailRequest): EmailMessage {
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
