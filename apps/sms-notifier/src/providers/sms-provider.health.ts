import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { EventsHealthContributor } from '@app/events';
import { SMS_PROVIDERS, type SmsProvider } from './sms-provider.js';
import { UnknownOutcomes } from './unknown-outcomes.js';

/**
 * Names the providers (first, and the fallback order) in `/health/events`. It never calls the provider (a probe per health check
 * would cost money and rate limit); outages show as retries in the consumer's lag and metrics.
 * It shows the unknown outcomes since start (informational: they do not make the app unhealthy).
 */
@Injectable()
export class SmsProviderHealthIndicator implements EventsHealthContributor {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(SMS_PROVIDERS) private readonly providers: SmsProvider[],
    private readonly unknownOutcomes: UnknownOutcomes,
  ) {}

  async isHealthy() {
    return this.health.check('smsProvider').up({ provider: this.providers[0].name, providers: this.providers.map((p) => p.name), unknownOutcomes: this.unknownOutcomes.summary() });
  }
}
