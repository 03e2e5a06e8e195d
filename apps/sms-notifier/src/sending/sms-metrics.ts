import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '@app/events';

/** The sms-notifier's own series, on the app's `/metrics` registry next to the mesh's. */
@Injectable()
export class SmsMetrics {
  /** One count per SMS outcome: sent, failed, suppressed (with the reason) or retrying. */
  readonly outcomes: Counter<'provider' | 'outcome' | 'reason'>;
  readonly providerSeconds: Histogram<'provider' | 'result'>;

  constructor(metrics: MetricsService) {
    this.outcomes = new Counter({
      name: 'sms_outcomes_total',
      help: 'SMS outcomes by provider, outcome (sent, failed, suppressed, retrying) and reason',
      labelNames: ['provider', 'outcome', 'reason'],
      registers: [metrics.registry],
    });
    this.providerSeconds = new Histogram({
      name: 'sms_provider_request_duration_seconds',
      help: 'Time the provider took to accept or refuse one SMS',
      labelNames: ['provider', 'result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
  }
}
