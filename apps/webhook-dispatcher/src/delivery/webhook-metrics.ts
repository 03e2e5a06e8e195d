import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '@app/events';
import type { DeliveryOutcome } from './delivery.types.js';
import { DeliveryRepository } from './delivery.repository.js';

/** The dispatcher's own series on the app's registry (`GET /metrics`), next to the shared event-path ones. */
@Injectable()
export class WebhookMetrics {
  private readonly attempts: Counter<'outcome'>;
  private readonly duration: Histogram;
  readonly disabled: Counter<'reason'>;
  /** Deliveries leased for sending: by a claim from the table, or at fan-out (inserted leased, handed to the lane). */
  readonly leased: Counter<'by'>;

  constructor(metrics: MetricsService, repository: DeliveryRepository) {
    const registers = [metrics.registry];
    this.attempts = new Counter({
      name: 'mesh_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: succeeded, retry (failed, another attempt scheduled), failed (no attempts left or 410)',
      labelNames: ['outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'mesh_webhook_attempt_duration_seconds',
      help: 'Time from sending a webhook request to its response (or timeout, or error)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.leased = new Counter({
      name: 'mesh_webhook_leased_total',
      help: 'Deliveries leased for sending, by how: claim (taken from the table) or fan_out (inserted leased while the lane had room and no backlog)',
      labelNames: ['by'],
      registers,
    });
    this.disabled = new Counter({ name: 'mesh_webhook_subscriptions_disabled_total', help: 'Subscriptions disabled, by reason', labelNames: ['reason'], registers });
    new Gauge({
      name: 'mesh_webhook_oldest_due_seconds',
      help: 'Age of the oldest webhook delivery that is due and not being sent (0 when none): a stuck backlog keeps growing',
      registers,
      // Read at scrape time; a failed read leaves the last value rather than failing the scrape.
      async collect() {
        try {
          this.set(await repository.oldestDueAgeSeconds());
        } catch {
          return;
        }
      },
    });
  }

  observe(o: DeliveryOutcome): void {
    this.attempts.inc({ outcome: o.status === 'pending' ? 'retry' : o.status });
    this.duration.observe(o.attempt.durationMs / 1000);
  }
}
