import { DynamicModule, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions, ServerLoggingModule } from '@app/events';
import { CallbacksModule } from './callbacks/callbacks.module.js';
import type { Clock } from './clock/clock.js';
import { ClockModule } from './clock/clock.module.js';
import type { SmsConfig } from './config/sms-config.js';
import { SmsConfigModule } from './config/sms-config.module.js';
import { EmailMessage } from './email/email-message.entity.js';
import { EmailUnsubscribe } from './email/email-unsubscribe.entity.js';
import { SmsMessage } from './messages/sms-message.entity.js';
import { MessagesModule } from './messages/messages.module.js';
import { OptOut } from './opt-outs/opt-out.entity.js';
import { OptOutsModule } from './opt-outs/opt-outs.module.js';
import { PreviewsModule } from './previews/previews.module.js';
import { ProvidersModule } from './providers/providers.module.js';
import { SmsProviderHealthIndicator } from './providers/sms-provider.health.js';
import { HeldMessage } from './quiet/held-message.entity.js';
import { Recipient } from './recipients/recipient.entity.js';
import { SmsRule } from './rules/sms-rule.entity.js';
import { RecentModule } from './recent/recent.module.js';
import { RulesModule } from './rules/rules.module.js';
import { SendingModule } from './sending/sending.module.js';
import { CreateSms1735000000000 } from './store/migrations/1735000000000-create-sms.js';
import { SeedDefaultRules1735000000001 } from './store/migrations/1735000000001-seed-default-rules.js';
import { AddEmailChannel1765001100000 } from './store/migrations/1765001100000-add-email-channel.js';
import { RecipientsAndQuietHours1765001200000 } from './store/migrations/1765001200000-recipients-and-quiet-hours.js';
import { SmsTemplate } from './templates/sms-template.entity.js';
import { TemplatesModule } from './templates/templates.module.js';

export const SERVICE_NAME = 'sms-notifier';

/** Overrides of the (validated) environment: the event path's and the SMS side's. */
export interface SmsNotifierConfig {
  events?: EventsModuleOptions['config'];
  sms?: Partial<SmsConfig>;
  /** The time quiet hours, held messages, circuits and the age limit go by (tests set it); the system clock by default. */
  clock?: Clock;
}

/** Events to SMS and email: rules and templates over PostgreSQL, providers behind one port, delivery status and opt-outs. */
@Module({})
export class AppModule {
  static forRoot(config: SmsNotifierConfig = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventsModule.forConsumer({
          service: SERVICE_NAME,
          consumer: SERVICE_NAME,
          config: config.events,
          database: {
            entities: [SmsTemplate, SmsRule, SmsMessage, OptOut, EmailMessage, EmailUnsubscribe, Recipient, HeldMessage],
            migrations: [CreateSms1735000000000, SeedDefaultRules1735000000001, AddEmailChannel1765001100000, RecipientsAndQuietHours1765001200000],
          },
        }),
        SmsConfigModule.forRoot(config.sms),
        // Request events (http.request_*) when ENABLE_SERVER_LOGGING is on; HTTP only, the consumer's handlers never pass through it.
        ServerLoggingModule.forRoot(),
        ClockModule.forRoot(config.clock),
        EventsHealthModule.forRoot({ imports: [ProvidersModule], contributors: [SmsProviderHealthIndicator] }),
        TemplatesModule,
        RulesModule,
        MessagesModule,
        OptOutsModule,
        SendingModule,
        CallbacksModule,
        PreviewsModule,
        RecentModule,
      ],
    };
  }
}
