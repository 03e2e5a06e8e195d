import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { ProviderRejectedError, ProviderUnavailableError } from '../providers/sms-provider.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The row's id: the Message-ID is built from it, so a repeat after a crash carries the same one. */
  id: string;
  unsubscribeUrl: string;
}

/** Codes nodemailer gives a message the server will never take (no answer code of its own). */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * The SMTP server behind nodemailer. A 5xx answer is a permanent rejection; a 4xx answer, a timeout
 * or a connection failure is an outage worth retrying (the same errors as the SMS providers').
 */
@Injectable()
export class SmtpTransport implements OnApplicationShutdown {
  readonly name = 'smtp';
  private transporter?: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(@Inject(SMS_CONFIG) private readonly config: SmsConfig) {}

  get enabled(): boolean {
    return this.config.email !== undefined;
  }

  async send(mail: OutgoingEmail): Promise<{ providerMessageId: string }> {
    const email = this.config.email;
    if (!email) throw new Error('the email channel is off: set EMAIL_SMTP_URL');
    this.transporter ??= nodemailer.createTransport({
      url: email.smtpUrl,
      connectionTimeout: this.config.providerTimeoutMs,
      greetingTimeout: this.config.providerTimeoutMs,
      socketTimeout: this.config.providerTimeoutMs,
    } as SMTPTransport.Options);
    const domain = email.from.replace(/^.*@/, '').replace(/>.*$/, '') || 'localhost';
    try {
      const info = await this.transporter.sendMail({
        from: email.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<${mail.id}@${domain}>`,
        // Persian text is shorter in base64 than in quoted-printable.
        textEncoding: 'base64',
        headers: {
          'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
          // RFC 8058: mail clients may unsubscribe with one POST, without opening a page.
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
      return { providerMessageId: info.messageId };
    } catch (err) {
      throw classify(err);
    }
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}

function classify(err: unknown): Error {
  const e = err as { message?: string; responseCode?: number; code?: string };
  const message = e.message ?? String(err);
  // nodemailer marks a refused DATA as EMESSAGE whatever the reply was, so the reply code decides first.
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? new ProviderRejectedError(message) : new ProviderUnavailableError(message);
  if (e.code && PERMANENT_CODES.has(e.code)) return new ProviderRejectedError(message);
  return new ProviderUnavailableError(message);
}
