import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventsService } from '@app/events';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { publishDisabled, withoutQuery, type DisableReason } from '../subscriptions/subscription-events.js';
import { DeliveryRepository } from './delivery.repository.js';
import { GroupCommit } from './group-commit.js';
import type { ClaimedDelivery, DeliveryOutcome } from './delivery.types.js';
import { WebhookMetrics } from './webhook-metrics.js';

interface Tally {
  /** A success came in this batch: the count restarts from the failures after the last one. */
  reset: boolean;
  failures: number;
  gone: boolean;
}

const WRITE_TRIES = 5;

/** What one finished send leaves to commit: its outcome, or (cut off by our own shutdown) just its lease to give back. */
type Settlement = { outcome: DeliveryOutcome } | { release: ClaimedDelivery };

/**
 * Records attempt outcomes in group-committed batches: delivery state, the attempt log, and the
 * subscriptions' consecutive-failure counts, all in one transaction. A subscription that reaches
 * WEBHOOK_DISABLE_AFTER consecutive failures, or answered 410 Gone, is disabled in that same
 * transaction, and `webhook.subscription_disabled` goes out through the outbox with it.
 * A delivery the dispatcher interrupted itself is only released (lease cleared), in the same batches:
 * it is no attempt, and never counts toward disabling.
 */
@Injectable()
export class OutcomeWriter {
  private readonly logger = new Logger(OutcomeWriter.name);
  private readonly commit = new GroupCommit<Settlement>((batch) => this.writeWithRetries(batch), 500, 2);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: DeliveryRepository,
    private readonly events: EventsService,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
    private readonly metrics: WebhookMetrics,
  ) {}

  /** Resolves once the outcome is committed. */
  record(outcome: DeliveryOutcome): Promise<void> {
    this.metrics.observe(outcome);
    return this.commit.add({ outcome });
  }

  /** Gives the delivery's lease back without an attempt (the dispatcher cut the request off itself); resolves once committed. */
  release(delivery: ClaimedDelivery): Promise<void> {
    return this.commit.add({ release: delivery });
  }

  /** A deadlock or a dropped connection is retried: giving up means the lease runs out and the delivery is sent again. */
  private async writeWithRetries(batch: Settlement[]): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.dataSource.transaction((m) => this.write(m, batch));
      } catch (err) {
        if (tries >= WRITE_TRIES) throw err;
        this.logger.warn(`recording ${batch.length} outcome(s) failed (try ${tries}/${WRITE_TRIES}): ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 100 * 2 ** tries));
      }
    }
  }

  private async write(m: EntityManager, settlements: Settlement[]): Promise<void> {
    const released = settlements.flatMap((s) => ('release' in s ? [s.release.id] : []));
    if (released.length > 0) await this.repository.releaseLeases(m, released);
    const batch = settlements.flatMap((s) => ('outcome' in s ? [s.outcome] : []));
    if (batch.length === 0) return;
    await this.repository.recordOutcomes(m, batch);
    const tallies = new Map<string, Tally>();
    for (const o of batch) {
      const t = tallies.get(o.delivery.subscriptionId) ?? { reset: false, failures: 0, gone: false };
      if (o.effect === 'success') Object.assign(t, { reset: true, failures: 0 });
      else t.failures++;
      if (o.effect === 'gone') t.gone = true;
      tallies.set(o.delivery.subscriptionId, t);
    }
    const counted: { id: string; active: boolean; consecutive_failures: number }[] = (
      await m.query(
        `UPDATE webhook_subscriptions s
         SET consecutive_failures = CASE WHEN x.reset THEN x.failures ELSE s.consecutive_failures + x.failures END
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, reset boolean, failures int)
         WHERE s.id = x.id RETURNING s.id, s.active, s.consecutive_failures`,
        [JSON.stringify([...tallies].sort(([a], [b]) => a.localeCompare(b)).map(([id, t]) => ({ id, reset: t.reset, failures: t.failures })))],
      )
    )[0];
    for (const s of counted) {
      if (!s.active) continue;
      if (tallies.get(s.id)!.gone) await this.disable(m, s.id, 'gone', 'the endpoint answered 410 Gone');
      else if (s.consecutive_failures >= this.config.disableAfter) {
        await this.disable(m, s.id, 'consecutive_failures', `${s.consecutive_failures} consecutive failed attempts (WEBHOOK_DISABLE_AFTER=${this.config.disableAfter})`);
      }
    }
  }

  private async disable(m: EntityManager, id: string, reason: DisableReason, message: string): Promise<void> {
    const [rows] = await m.query(
      `UPDATE webhook_subscriptions SET active = false, disabled_reason = $2, disabled_by = $3, disabled_at = now(), probe_attempts = 0, last_probe_at = NULL, updated_at = now()
       WHERE id = $1 AND active RETURNING id, name, url, consecutive_failures`,
      [id, message, reason],
    );
    const s = (rows as { id: string; name: string; url: string; consecutive_failures: number }[])[0];
    if (!s) return;
    this.logger.warn(`subscription ${s.id} (${s.name}) disabled: ${message}`);
    this.metrics.disabled.inc({ reason });
    await publishDisabled(this.events, m, { subscriptionId: s.id, name: s.name, url: withoutQuery(s.url), reason, message, consecutiveFailures: s.consecutive_failures });
  }
}
