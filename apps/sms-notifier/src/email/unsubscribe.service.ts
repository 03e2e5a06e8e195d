import { Inject, Injectable, Logger } from '@nestjs/common';
import { edgeError } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { maskEmail } from './email-address.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { EmailOutcomeEvents } from './email-outcome.events.js';
import { verifyUnsubscribe } from './unsubscribe-token.js';

/** Unsubscribe links: a valid token puts its address on `email_unsubscribes`, with an `email.unsubscribed` event. */
@Injectable()
export class UnsubscribeService {
  private readonly logger = new Logger(UnsubscribeService.name);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly messages: EmailMessagesRepository,
    private readonly outcomes: EmailOutcomeEvents,
  ) {}

  /** The address the token was signed for; a 404 when email is off, a 400 naming `token` when it is missing or not ours. */
  addressOf(token: string | undefined): string {
    const email = this.config.email;
    if (!email) throw edgeError(404, 'the email channel is off on this notifier');
    if (!token) throw edgeError(400, ['token: the unsubscribe link lacks its token; use the link from the email as it is'], 'token');
    const address = verifyUnsubscribe(token, email.unsubscribeSecret);
    if (!address) throw edgeError(400, ['token: this unsubscribe link is damaged or was not signed by this notifier; use the link from the email as it is'], 'token');
    return address;
  }

  async unsubscribe(token: string): Promise<void> {
    const address = this.addressOf(token);
    const added = await this.messages.transaction(async (m) => {
      const isNew = await this.messages.unsubscribe(m, address);
      if (isNew) await this.outcomes.unsubscribed(m, address);
      return isNew;
    });
    if (added) this.logger.log(`${maskEmail(address)} unsubscribed from emails`);
  }
}
