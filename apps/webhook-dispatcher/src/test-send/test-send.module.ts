import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { TestSendController } from './test-send.controller.js';
import { TestSendService } from './test-send.service.js';
import { StoredEventsClient } from './stored-events.client.js';

/** `POST /webhooks/test`. */
@Module({
  imports: [AuditTrailModule, DeliveryModule, SubscriptionsModule],
  controllers: [TestSendController],
  providers: [TestSendService, StoredEventsClient],
})
export class TestSendModule {}
