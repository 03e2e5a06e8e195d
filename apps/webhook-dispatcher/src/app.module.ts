import { DynamicModule, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions } from '@app/events';
import { WebhookConfigModule } from './config/webhook-config.module.js';
import type { WebhookConfig } from './config/webhook-env.js';
import { CreateWebhooks1736000000000 } from './database/migrations/1736000000000-create-webhooks.js';
import { Subscription } from './subscriptions/subscription.entity.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';

export const SERVICE_NAME = 'webhook-dispatcher';

export interface WebhookDispatcherConfig {
  events?: EventsModuleOptions['config'];
  webhooks?: Partial<WebhookConfig>;
}

/** Webhook subscriptions and their signed, retried, logged delivery (consumer `webhook-dispatcher`). */
@Module({})
export class AppModule {
  static forRoot(config: WebhookDispatcherConfig = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventsModule.forRoot({
          service: SERVICE_NAME,
          consumer: SERVICE_NAME,
          config: config.events,
          database: { entities: [Subscription], migrations: [CreateWebhooks1736000000000] },
        }),
        EventsHealthModule,
        WebhookConfigModule.forRoot(config.webhooks),
        SubscriptionsModule,
      ],
    };
  }
}
