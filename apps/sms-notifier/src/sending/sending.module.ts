import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { OptOutsModule } from '../opt-outs/opt-outs.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { RulesModule } from '../rules/rules.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { SmsDispatcher } from './sms-dispatcher.service.js';
import { SmsNotifierHandler } from './sms-notifier.handler.js';
import { SmsOutcomeEvents } from './sms-outcome.events.js';
import { SmsSender } from './sms-sender.service.js';
import { SmsMetrics } from './sms-metrics.js';

@Module({
  imports: [EmailModule, ProvidersModule, MessagesModule, OptOutsModule, RulesModule, TemplatesModule],
  controllers: [SmsNotifierHandler],
  providers: [SmsDispatcher, SmsSender, SmsOutcomeEvents, SmsMetrics],
  exports: [SmsOutcomeEvents],
})
export class SendingModule {}
