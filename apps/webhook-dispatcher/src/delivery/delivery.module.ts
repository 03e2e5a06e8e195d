import { Module } from '@nestjs/common';
import { OAuth2Module } from '../oauth2/oauth2.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { AuthorizedSender } from './authorized-sender.js';
import { DeliveryRepository } from './delivery.repository.js';
import { DeliveryExecutor } from './delivery-executor.js';
import { DeliverySignal } from './delivery-signal.js';
import { DeliveryWorker } from './delivery-worker.js';
import { LaneRateLimits } from './lane-rate-limit.js';
import { FanOutHandler } from './fan-out.handler.js';
import { FanOutWriter } from './fan-out.writer.js';
import { OutcomeWriter } from './outcome.writer.js';
import { OrderingGapRecorder } from './ordering-gap.recorder.js';
import { WebhookHttpClient } from './webhook-http.client.js';
import { WebhookSigner } from './webhook-signer.js';
import { WebhookMetrics } from './webhook-metrics.js';

/** Consumer `webhook-dispatcher` → delivery rows (fan-out) → workers that sign, send, log and reschedule. */
@Module({
  imports: [SubscriptionsModule, OAuth2Module],
  controllers: [FanOutHandler],
  providers: [AuthorizedSender, DeliveryRepository, DeliveryExecutor, DeliverySignal, DeliveryWorker, LaneRateLimits, FanOutWriter, OrderingGapRecorder, OutcomeWriter, WebhookHttpClient, WebhookSigner, WebhookMetrics],
  exports: [AuthorizedSender, DeliveryRepository, DeliveryExecutor, DeliverySignal, OutcomeWriter, WebhookHttpClient, WebhookSigner, DeliveryWorker],
})
export class DeliveryModule {}
