import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { ReenableProber } from './reenable-prober.js';

/** Auto re-enable probes of subscriptions disabled for consecutive failures (WEBHOOK_REENABLE_PROBE). */
@Module({
  imports: [DeliveryModule, SubscriptionsModule],
  providers: [ReenableProber],
})
export class ReenableModule {}
