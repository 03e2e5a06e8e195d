import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { NatsHealthIndicator } from './indicators/nats.health.js';
import { JetStreamHealthIndicator } from './indicators/jetstream.health.js';

/** `GET /health`, `GET /health/events` and `GET /metrics`, the same in every app. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [NatsHealthIndicator, JetStreamHealthIndicator],
})
export class EventsHealthModule {}
