import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { SmsMessagesRepository } from '../messages/sms-messages.repository.js';
import { maskPhone } from '../phone/phone-number.js';
import { SmsOutcomeEvents } from '../sending/sms-outcome.events.js';

/** Twilio's MessageStatus values that end a message's delivery. */
const DELIVERED = new Set(['delivered']);
const UNDELIVERED = new Set(['undelivered', 'failed']);

export interface DeliveryReport {
  provider: string;
  providerMessageId: string;
  status: string;
  errorCode?: string;
}

/** Applies a provider's delivery report to the SMS it names, once: repeats of a final report change nothing. */
@Injectable()
export class DeliveryStatusService {
  private readonly logger = new Logger(DeliveryStatusService.name);

  constructor(
    private readonly messages: SmsMessagesRepository,
    private readonly outcomes: SmsOutcomeEvents,
  ) {}

  async apply(report: DeliveryReport): Promise<void> {
    await this.messages.transaction(async (m) => {
      const message = await this.messages.findByProviderId(m, report.provider, report.providerMessageId);
      if (!message) throw new NotFoundException(`No SMS sent through ${report.provider} with id ${report.providerMessageId}`);
      if (message.status === 'delivered' || message.status === 'undelivered') return;
      const status = DELIVERED.has(report.status) ? 'delivered' : UNDELIVERED.has(report.status) ? 'undelivered' : undefined;
      const updated = await this.messages.update(m, message, { providerStatus: report.status.slice(0, 32), ...(status ? { status } : {}) });
      if (status === 'delivered') await this.outcomes.publish(m, 'sms.delivered', updated, { providerStatus: report.status });
      if (status === 'undelivered') await this.outcomes.publish(m, 'sms.undelivered', updated, { providerStatus: report.status, errorCode: report.errorCode ?? null });
      if (status) this.logger.log(`SMS ${message.id} to ${maskPhone(message.recipient)} ${status} (${report.status})`);
    });
  }
}
