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

/** One SMTP server of the ordered list, named `smtp:<host>` in rows, events and logs (never with its credentials). */
interface SmtpServer {
  name: string;
  transporter: Transporter<SMTPTransport.SentMessageInfo>;
}

/**
 * The SMTP servers behind nodemailer, in the order EMAIL_SMTP_URL lists them. A server that is down
 * (a 4xx reply, a timeout, a connection failure) is skipped for the next one within the same
 * attempt; none of those answers means the server took the message, so at most one sends it. A 5xx
 * reply is a permanent rejection of the message and ends the attempt. When every server is down,
 * the last outage is thrown and the event is retried.
 */
@Injectable()
export class SmtpTransport implements OnApplicationShutdown {
  readonly name = 'smtp';
  private servers?: SmtpServer[];

  constructor(@Inject(SMS_CONFIG) private readonly config: SmsConfig) {}

  async send(mail: OutgoingEmail): Promise<{ providerMessageId: string; provider: string }> {
    const email = this.config.email;
    if (!email) throw new Error('the email channel is off: set EMAIL_SMTP_URL');
    this.servers ??= email.smtpUrl.split(',').map((url) => url.trim()).filter(Boolean).map((url) => this.connect(url));
    const domain = email.from.replace(/^.*@/, '').replace(/>.*$/, '') || 'localhost';
    const errors: string[] = [];
    for (const server of this.servers) {
      try {
        const info = await server.transporter.sendMail({
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
        return { providerMessageId: info.messageId, provider: server.name };
      } catch (err) {
        const failure = classify(err);
        if (failure instanceof ProviderRejectedError) throw new ProviderRejectedError(`${server.name}: ${failure.message}`);
        errors.push(`${server.name}: ${failure.message}`);
      }
    }
    throw new ProviderUnavailableError(errors.join('; '));
  }

  private connect(url: string): SmtpServer {
    const transporter = nodemailer.createTransport({
      url,
      connectionTimeout: this.config.providerTimeoutMs,
      greetingTimeout: this.config.providerTimeoutMs,
      socketTimeout: this.config.providerTimeoutMs,
    } as SMTPTransport.Options);
    return { name: `smtp:${new URL(url).host}`, transporter };
  }

  onApplicationShutdown(): void {
    for (const server of this.servers ?? []) server.transporter.close();
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
