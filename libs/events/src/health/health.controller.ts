import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { EVENTS_CONFIG } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { NatsHealthIndicator } from './indicators/nats.health.js';
import { JetStreamHealthIndicator } from './indicators/jetstream.health.js';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly nats: NatsHealthIndicator,
    private readonly jetstream: JetStreamHealthIndicator,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  live() {
    return { status: 'ok', service: this.config.service, timestamp: new Date().toISOString() };
  }

  /** Readiness of the event path, in terminus form plus `service`, `failedEventsCount`, `timestamp`; 503 when down. */
  @Get('events')
  @HealthCheck()
  async events() {
    const checks = [
      () => this.nats.check(),
      () => this.jetstream.stream(),
      () => this.db.pingCheck('database').withTimeout(1_500),
      () => this.jetstream.dlq(),
    ];
    if (this.config.consumer) checks.push(() => this.jetstream.consumer());
    const extra = async () => ({
      service: this.config.service,
      failedEventsCount: await this.outbox.count(this.config.service).catch(() => null),
      timestamp: new Date().toISOString(),
    });
    try {
      const result = await this.health.check(checks);
      return { ...result, ...(await extra()) };
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        throw new ServiceUnavailableException({ ...(err.getResponse() as object), ...(await extra()) });
      }
      throw err;
    }
  }
}
