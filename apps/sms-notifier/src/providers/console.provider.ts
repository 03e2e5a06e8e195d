import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { maskPhone } from '../phone/phone-number.js';
import type { OutgoingSms, Reconciliation, SentSms, SmsProvider } from './sms-provider.js';

/** Sends nothing: prints the masked number and the text. The default of a local mesh. */
export class ConsoleSmsProvider implements SmsProvider {
  readonly name = 'console';
  readonly statusCallbacks = false;
  private readonly logger = new Logger(ConsoleSmsProvider.name);

  async send(sms: OutgoingSms): Promise<SentSms> {
    const providerMessageId = `console-${randomUUID()}`;
    this.logger.log(`SMS to ${maskPhone(sms.to)} (${providerMessageId}): ${sms.text}`);
    return { providerMessageId };
  }

  /** Nothing is kept anywhere, so nothing can be looked up. */
  async findSent(): Promise<Reconciliation> {
    return { kind: 'unknown' };
  }
}
