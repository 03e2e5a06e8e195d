import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { EVENTS_CONFIG } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { NatsHealthIndicator } from './indicators/nats.health.js';
import { JetStreamHealthIndicator } from './indicators/jetstream.health.js';
import { EVENTS_HEALTH_CONTRIBUTORS, type EventsHealthContributor } from './events-health-contributor.js';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly nats: NatsHealthIndicator,
    private readonly jetstream: JetStreamHealthIndicator,
    private readonly outbox: OutboxRepository,
    @Optional() @Inject(EVENTS_HEALTH_CONTRIBUTORS) private readonly contributors: EventsHealthContributor[] = [],
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
    const checks: HealthIndicatorFunction[] = [
      () => this.nats.check(),
      () => this.jetstream.stream(),
      () => this.db.pingCheck('database').withTimeout(1_500),
      () => this.jetstream.dlq(),
    ];
    if (this.config.consumer) checks.push(() => this.jetstream.consumer());
    for (const c of this.contributors) checks.push(() => c.isHealthy());
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
