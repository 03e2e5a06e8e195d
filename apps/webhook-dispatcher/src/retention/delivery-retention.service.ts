import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';

const BATCH = 5_000;
const START_DELAY_MS = 10_000;

/**
 * Deletes settled (delivered or failed) deliveries whose last change is older than
 * WEBHOOK_RETENTION_DAYS, their attempt log with them (cascade), then the stored events no
 * delivery refers to any more. Bounded batches, one statement each, rows other replicas hold skipped.
 * Pending deliveries are never deleted, however old.
 */
@Injectable()
export class DeliveryRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryRetentionService.name);
  private timers: NodeJS.Timeout[] = [];
  private current?: Promise<{ deliveries: number; events: number }>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.retentionDays === 0) return;
    this.timers.push(setTimeout(() => this.tick(), START_DELAY_MS).unref());
    this.timers.push(setInterval(() => this.tick(), this.config.retentionIntervalMs).unref());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await this.current?.catch(() => undefined);
  }

  private tick(): void {
    if (this.current || this.stopped) return;
    this.runOnce().catch((err: Error) => this.logger.warn(`retention run failed, next try in ${this.config.retentionIntervalMs} ms: ${err.message}`));
  }

  /** Deletes everything past the cutoff now; resolves with the counts. */
  async runOnce(): Promise<{ deliveries: number; events: number }> {
    while (this.current) await this.current.catch(() => undefined);
    this.current = this.deleteAll();
    try {
      return await this.current;
    } finally {
      this.current = undefined;
    }
  }

  private async deleteAll(): Promise<{ deliveries: number; events: number }> {
    const days = this.config.retentionDays;
    if (days === 0) return { deliveries: 0, events: 0 };
    const deliveries = await this.batches(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries WHERE status IN ('succeeded', 'failed') AND updated_at < now() - $1 * interval '1 day'
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      days,
    );
    const events = await this.batches(
      `DELETE FROM webhook_events WHERE id IN (
         SELECT e.id FROM webhook_events e WHERE e.received_at < now() - $1 * interval '1 day'
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      days,
    );
    if (deliveries + events > 0) this.logger.log(`deleted ${deliveries} settled deliveries and ${events} events older than ${days} day(s)`);
    return { deliveries, events };
  }

  private async batches(sql: string, days: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.dataSource.query(sql, [days, BATCH])) as [unknown, number];
      total += deleted;
      if (deleted < BATCH || this.stopped) return total;
    }
  }
}
