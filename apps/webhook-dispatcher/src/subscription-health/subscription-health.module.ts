import { Module } from '@nestjs/common';
import { SubscriptionHealthController } from './subscription-health.controller.js';
import { SubscriptionHealthRepository } from './subscription-health.repository.js';

/** Success rate, latency, last error and backlog per subscription (`GET /webhooks/health`, `GET /webhooks/subscriptions/:id/health`). */
@Module({
  controllers: [SubscriptionHealthController],
  providers: [SubscriptionHealthRepository],
})
export class SubscriptionHealthModule {}
