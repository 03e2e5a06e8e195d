import { DynamicModule, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions, ServerLoggingModule } from '@app/events';
import { WebhookConfigModule } from './config/webhook-config.module.js';
import type { WebhookConfig } from './config/webhook-env.js';
import { BatchModule } from './batch/batch.module.js';
import { SubscriptionHealthModule } from './subscription-health/subscription-health.module.js';
import { WEBHOOK_MIGRATIONS } from './database/migrations/index.js';
import { ReenableModule } from './reenable/reenable.module.js';
import { Subscription } from './subscriptions/subscription.entity.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { DeliveriesModule } from './deliveries/deliveries.module.js';
import { TestSendModule } from './test-send/test-send.module.js';
import { SERVICE_NAME } from './service-name.js';
import { WebhookDeliveryHealthIndicator } from './health/webhook-delivery.health.js';
import { RetentionModule } from './retention/retention.module.js';

export { SERVICE_NAME };

/**
 * Fan-out handlers wait for their batch's commit, so many of them run at once (CONSUMER_CONCURRENCY,
 * when set, still wins): each holds only a promise, not a request to an endpoint.
 */
export const FAN_OUT_CONCURRENCY = 1_000;

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
        EventsModule.forConsumer({
          service: SERVICE_NAME,
          consumer: SERVICE_NAME,
          config: { ...(process.env.CONSUMER_CONCURRENCY ? {} : { concurrency: FAN_OUT_CONCURRENCY }), ...config.events },
          database: { entities: [Subscription], migrations: WEBHOOK_MIGRATIONS },
        }),
        EventsHealthModule.forRoot({ imports: [DeliveryModule], contributors: [WebhookDeliveryHealthIndicator] }),
        WebhookConfigModule.forRoot(config.webhooks),
        // Request events (http.request_*) when ENABLE_SERVER_LOGGING is on; HTTP only, the consumer's handlers never pass through it.
        ServerLoggingModule.forRoot(),
        SubscriptionsModule,
        DeliveryModule,
        BatchModule,
        DeliveriesModule,
        SubscriptionHealthModule,
        TestSendModule,
        RetentionModule,
        ReenableModule,
      ],
    };
  }
}
