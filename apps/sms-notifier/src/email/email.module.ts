import { Module } from '@nestjs/common';
import { EmailChannel } from './email.channel.js';
import { EmailMessagesController } from './email-messages.controller.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { EmailOutcomeEvents } from './email-outcome.events.js';
import { SmtpTransport } from './smtp-transport.js';
import { UnsubscribeController } from './unsubscribe.controller.js';
import { UnsubscribeService } from './unsubscribe.service.js';

/** The email channel: its port for the sending pipeline (SMTP servers in fallback order), the admin list and the unsubscribe links. */
@Module({
  controllers: [UnsubscribeController, EmailMessagesController],
  providers: [EmailChannel, EmailMessagesRepository, EmailOutcomeEvents, SmtpTransport, UnsubscribeService],
  exports: [EmailChannel],
})
export class EmailModule {}
