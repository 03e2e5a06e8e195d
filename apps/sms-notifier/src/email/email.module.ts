import { Module } from '@nestjs/common';
import { TemplatesModule } from '../templates/templates.module.js';
import { EmailDispatcher } from './email-dispatcher.service.js';
import { EmailMessagesController } from './email-messages.controller.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { EmailOutcomeEvents } from './email-outcome.events.js';
import { EmailSender } from './email-sender.service.js';
import { SmtpTransport } from './smtp-transport.js';
import { UnsubscribeController } from './unsubscribe.controller.js';
import { UnsubscribeService } from './unsubscribe.service.js';

/** The email channel: `email` rules sent through SMTP once per (event, rule, recipient), and the unsubscribe links. */
@Module({
  imports: [TemplatesModule],
  controllers: [UnsubscribeController, EmailMessagesController],
  providers: [EmailDispatcher, EmailSender, EmailMessagesRepository, EmailOutcomeEvents, SmtpTransport, UnsubscribeService],
  exports: [EmailDispatcher],
})
export class EmailModule {}
