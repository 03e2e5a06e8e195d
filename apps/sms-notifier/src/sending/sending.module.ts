import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { OptOutsModule } from '../opt-outs/opt-outs.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { HeldMessageEvents } from '../quiet/held-message.events.js';
import { HeldMessagesController } from '../quiet/held-messages.controller.js';
import { HeldMessagesRepository } from '../quiet/held-messages.repository.js';
import { HeldMessagesScheduler } from '../quiet/held-messages.scheduler.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { RulesModule } from '../rules/rules.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { NotificationDispatcher } from './notification-dispatcher.service.js';
import { NotificationSender } from './notification-sender.service.js';
import { ProviderCircuits } from './provider-circuits.js';
import { SmsChannel } from './sms.channel.js';
import { SmsMetrics } from './sms-metrics.js';
import { SmsNotifierHandler } from './sms-notifier.handler.js';
import { SmsOutcomeEvents } from './sms-outcome.events.js';

/** One sending pipeline for every channel (claim, provider fallback, outcome), the SMS channel's port, quiet hours (held messages) and the event handler. */
@Module({
  imports: [EmailModule, ProvidersModule, MessagesModule, OptOutsModule, RecipientsModule, RulesModule, TemplatesModule],
  controllers: [SmsNotifierHandler, HeldMessagesController],
  providers: [NotificationDispatcher, NotificationSender, ProviderCircuits, SmsChannel, SmsOutcomeEvents, SmsMetrics, HeldMessagesRepository, HeldMessageEvents, HeldMessagesScheduler],
  exports: [SmsOutcomeEvents],
})
export class SendingModule {}
