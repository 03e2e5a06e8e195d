import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import type { EventsHealthContributor } from '@app/events';
import { DeliveryWorker } from '../delivery/delivery-worker.js';
import { DeliveryRepository } from '../delivery/delivery.repository.js';

/** Counted up to this many; above it the backlog shows as this number. */
const COUNT_CAP = 10_000;
const TIMEOUT_MS = 2_000;

/**
 * `webhooks` in `/health/events`: deliveries due now (the backlog), the age of the oldest one
 * nobody is sending (`oldestDueAgeSeconds`: growing means stuck), requests in flight here and
 * disabled subscriptions. Reported, not judged (a backlog is a reason to look, not to pull the
 * instance from service); down only when it cannot be read.
 */
@Injectable()
export class WebhookDeliveryHealthIndicator implements EventsHealthContributor {
  constructor(
    private readonly health: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly worker: DeliveryWorker,
    private readonly repository: DeliveryRepository,
  ) {}

  async isHealthy() {
    const check = this.health.check('webhooks');
    try {
      const read = this.dataSource.query(
        `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
                   WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND s.active LIMIT ${COUNT_CAP}) due) AS due,
                (SELECT count(*)::int FROM webhook_subscriptions WHERE NOT active) AS disabled`,
      ).then(async (rows: { due: number; disabled: number }[]) => [{ ...rows[0], oldest: await this.repository.oldestDueAgeSeconds() }]);
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref());
      const [row] = await Promise.race([read, timeout]);
      return check.up({
        due: row.due,
        dueCapped: row.due >= COUNT_CAP,
        oldestDueAgeSeconds: row.oldest,
        inFlight: this.worker.active,
        disabledSubscriptions: row.disabled,
      });
    } catch (err) {
      return check.down({ message: `delivery state unreadable: ${(err as Error).message}` });
    }
  }
}
