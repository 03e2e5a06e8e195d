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
/** Failures before the server could have been handed the message: it certainly does not have it. */
const NOT_HANDED_OVER = new Set(['ECONNECTION', 'EDNS', 'ETLS', 'EAUTH']);
const BEFORE_DATA = new Set(['CONN', 'GREETING', 'EHLO', 'HELO', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN', 'MAIL FROM', 'RCPT TO']);

/** One SMTP server of the ordered list, named `smtp:<host:port>` in rows, events and logs (never with its credentials). */
export class SmtpServer {
  readonly name: string;
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    url: string,
    timeoutMs: number,
    private readonly from: string,
  ) {
    this.name = `smtp:${new URL(url).host}`;
    this.transporter = nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as SMTPTransport.Options);
  }

  /**
   * A 4xx reply, a refused connection or a timeout before DATA: ProviderUnavailableError (the next
   * server may take it); a timeout or lost connection after the message went out is `maybeSent`.
   * A 5xx reply is a permanent rejection (ProviderRejectedError).
   */
  async send(mail: OutgoingEmail): Promise<{ providerMessageId: string }> {
    const domain = this.from.replace(/^.*@/, '').replace(/>.*$/, '') || 'localhost';
    try {
      const info = await this.transporter.sendMail({
        from: this.from,
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

  close(): void {
    this.transporter.close();
  }
}

/** The SMTP servers of EMAIL_SMTP_URL, in the order they are tried (the email channel's providers). */
@Injectable()
export class SmtpTransport implements OnApplicationShutdown {
  readonly servers: readonly SmtpServer[];

  constructor(@Inject(SMS_CONFIG) config: SmsConfig) {
    const email = config.email;
    this.servers = email
      ? email.smtpUrl
          .split(',')
          .map((url) => url.trim())
          .filter(Boolean)
          .map((url) => new SmtpServer(url, config.providerTimeoutMs, email.from))
      : [];
  }

  onApplicationShutdown(): void {
    for (const server of this.servers) server.close();
  }
}

function classify(err: unknown): Error {
  const e = err as { message?: string; responseCode?: number; code?: string; command?: string };
  const message = e.message ?? String(err);
  // nodemailer marks a refused DATA as EMESSAGE whatever the reply was, so the reply code decides first.
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? new ProviderRejectedError(message) : new ProviderUnavailableError(message);
  if (e.code && PERMANENT_CODES.has(e.code)) return new ProviderRejectedError(message);
  const handedOver = !(e.code && NOT_HANDED_OVER.has(e.code)) && !(e.command && BEFORE_DATA.has(e.command));
  return new ProviderUnavailableError(message, undefined, handedOver);
}
