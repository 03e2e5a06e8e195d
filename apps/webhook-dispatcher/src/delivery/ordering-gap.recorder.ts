import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventsService } from '@app/events';

export const ORDERING_GAP = 'webhook.ordering_gap';

/** Data of `webhook.ordering_gap`: a fifo delivery given up, so the next of its key went without it. */
export interface OrderingGapData {
  subscriptionId: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  orderingKey: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

/** Unreported gaps (a crash between the outcome's commit and the report) are picked up this often. */
const SWEEP_MS = 60_000;
const SWEEP_BATCH = 500;

/**
 * Records the gaps of ordered delivery. A fifo delivery that ran out of attempts is `failed`, and
 * that commit (the outcome's) is what lets the next delivery of its key go; the gap is that row,
 * shown in the API as `orderingGap: true`. This publishes `webhook.ordering_gap` (warn, admin)
 * through the outbox for each, in a transaction that stamps `gap_reported_at`, so each gap is
 * reported once; right after the outcome's commit, and by a sweep at start and every minute for
 * any a crash left unreported.
 */
@Injectable()
export class OrderingGapRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderingGapRecorder.name);
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventsService,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Reports the given deliveries' gaps (those that are given-up fifo deliveries not yet reported); resolves with how many. */
  report(deliveryIds: string[]): Promise<number> {
    return this.publish(`d.id = ANY($1::uuid[])`, [deliveryIds]);
  }

  private async sweep(): Promise<void> {
    try {
      while ((await this.publish(`d.id IN (SELECT id FROM webhook_deliveries WHERE status = 'failed' AND ordering_key IS NOT NULL AND gap_reported_at IS NULL LIMIT ${SWEEP_BATCH})`, [])) === SWEEP_BATCH);
    } catch (err) {
      this.logger.warn(`reporting ordering gaps failed (${(err as Error).message}); the next sweep retries`);
    }
  }

  private publish(which: string, params: unknown[]): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const [rows]: [{ id: string; event_id: string; event_type: string; subscription_id: string; ordering_key: string; attempts: number; last_status: number | null; last_error: string | null }[], number] =
        await m.query(
          `UPDATE webhook_deliveries d SET gap_reported_at = now()
           WHERE ${which} AND d.status = 'failed' AND d.ordering_key IS NOT NULL AND d.gap_reported_at IS NULL
           RETURNING d.id, d.event_id, d.event_type, d.subscription_id, d.ordering_key, d.attempts, d.last_status, d.last_error`,
          params,
        );
      for (const r of rows) {
        const data: OrderingGapData = {
          subscriptionId: r.subscription_id,
          deliveryId: r.id,
          eventId: r.event_id,
          eventType: r.event_type,
          orderingKey: r.ordering_key,
          attempts: r.attempts,
          lastStatus: r.last_status,
          lastError: r.last_error?.slice(0, 300) ?? null,
        };
        await this.events.publishInTransaction(m, ORDERING_GAP, data, {
          subject: r.subscription_id,
          resourceType: 'webhook_subscription',
          level: 'warn',
          audience: 'admin',
          category: 'Notification',
        });
      }
      return rows.length;
    });
  }
}
