import { DynamicModule, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions } from '@app/events';
import { WebhookConfigModule } from './config/webhook-config.module.js';
import type { WebhookConfig } from './config/webhook-env.js';
import { CreateWebhooks1736000000000 } from './database/migrations/1736000000000-create-webhooks.js';
import { DeliveryLeases1736000000001 } from './database/migrations/1736000000001-delivery-leases.js';
import { PausedDeliveries1736000000002 } from './database/migrations/1736000000002-paused-deliveries.js';
import { ReenableProbe1736000000003 } from './database/migrations/1736000000003-reenable-probe.js';
import { SubscriptionOAuth21765001000000 } from './database/migrations/1765001000000-subscription-oauth2.js';
import { FifoOrdering1765001000001 } from './database/migrations/1765001000001-fifo-ordering.js';
import { BatchesGapsHealth1765001000002 } from './database/migrations/1765001000002-batches-gaps-health.js';
import { BatchModule } from './batch/batch.module.js';
import { SubscriptionHealthModule } from './subscription-health/subscription-health.module.js';
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
          database: { entities: [Subscription], migrations: [CreateWebhooks1736000000000, DeliveryLeases1736000000001, PausedDeliveries1736000000002, ReenableProbe1736000000003, SubscriptionOAuth21765001000000, FifoOrdering1765001000001, BatchesGapsHealth1765001000002] },
        }),
        EventsHealthModule.forRoot({ imports: [DeliveryModule], contributors: [WebhookDeliveryHealthIndicator] }),
        WebhookConfigModule.forRoot(config.webhooks),
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
