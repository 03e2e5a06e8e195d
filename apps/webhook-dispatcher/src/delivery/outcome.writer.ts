import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventsService } from '@app/events';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { publishDisabled, withoutQuery, type DisableReason } from '../subscriptions/subscription-events.js';
import { DeliveryRepository, type CountedSubscription, type SubscriptionTally } from './delivery.repository.js';
import { DeliverySignal } from './delivery-signal.js';
import { GroupCommit } from '@app/events';
import type { ClaimedDelivery, DeliveryOutcome } from './delivery.types.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { OrderingGapRecorder } from './ordering-gap.recorder.js';

const WRITE_TRIES = 5;

/** What one finished send leaves to commit: its outcome, or (cut off by our own shutdown) just its lease to give back. */
type Settlement = { outcome: DeliveryOutcome } | { release: ClaimedDelivery };

/**
 * Records attempt outcomes in group-committed batches. A batch is one statement (one round trip,
 * one commit: delivery state, the attempt log, the subscriptions' consecutive-failure counts),
 * because a failed attempt's lane slot, and a 2xx's room in the crash window, wait for that commit
 * and round trips on a busy event loop are what they wait for. A subscription that reached WEBHOOK_DISABLE_AFTER consecutive failures, or answered
 * 410 Gone, is then disabled in a transaction of its own with `webhook.subscription_disabled`
 * through the outbox; should the process die between the two, the count is stored and the next
 * failure disables it.
 * A delivery the dispatcher interrupted itself is only released (lease cleared), in the same batches:
 * it is no attempt, and never counts toward disabling.
 */
@Injectable()
export class OutcomeWriter {
  private readonly logger = new Logger(OutcomeWriter.name);
  // Four writes at once (of a pool of 10): a batch waiting behind two slow commits held its lane slots idle.
  private readonly commit = new GroupCommit<Settlement>({ name: 'outcomes', maxBatch: 500, maxInFlight: 4 }, (batch) => this.write(batch));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: DeliveryRepository,
    private readonly events: EventsService,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
    private readonly metrics: WebhookMetrics,
    private readonly signal: DeliverySignal,
    private readonly gaps: OrderingGapRecorder,
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

  /**
   * A deadlock or a dropped connection is retried: giving up means the lease runs out and the
   * delivery is sent again. Each step is retried on its own, since a step that failed wrote nothing.
   */
  private async withRetries<T>(what: string, work: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await work();
      } catch (err) {
        if (tries >= WRITE_TRIES) throw err;
        this.logger.warn(`${what} failed (try ${tries}/${WRITE_TRIES}): ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 100 * 2 ** tries));
      }
    }
  }

  private async write(settlements: Settlement[]): Promise<void> {
    const released = settlements.flatMap((s) => ('release' in s ? [s.release] : []));
    if (released.length > 0) {
      await this.withRetries(`releasing ${released.length} lease(s)`, () => this.dataSource.transaction((m) => this.repository.releaseLeases(m, released)));
    }
    const batch = settlements.flatMap((s) => ('outcome' in s ? [s.outcome] : []));
    if (batch.length === 0) return;
    const tallies = new Map<string, SubscriptionTally>();
    for (const o of batch) {
      if (o.tallied === false) continue;
      const id = o.delivery.subscriptionId;
      const t = tallies.get(id) ?? { id, reset: false, failures: 0, gone: false };
      if (o.effect === 'success') Object.assign(t, { reset: true, failures: 0 });
      else t.failures++;
      if (o.effect === 'gone') t.gone = true;
      tallies.set(id, t);
    }
    // Sorted, so two batches touching the same subscriptions lock their rows in the same order.
    const counted = await this.withRetries(`recording ${batch.length} outcome(s)`, () =>
      this.repository.recordOutcomes(batch, [...tallies.values()].sort((a, b) => a.id.localeCompare(b.id))),
    );
    // A settled fifo delivery lets the next of its key go: its lane here claims it now, not at the next poll.
    const unblocked = new Set(batch.filter((o) => o.delivery.orderingKey !== null && o.status !== 'pending').map((o) => o.delivery.subscriptionId));
    if (unblocked.size > 0) this.signal.notify(unblocked);
    const givenUp = batch.filter((o) => o.delivery.orderingKey !== null && o.status === 'failed');
    if (givenUp.length > 0) await this.reportGaps(givenUp.map((o) => o.delivery.id));
    for (const s of counted) await this.disableIfDue(s, tallies.get(s.id)!.gone);
  }

  /** The outcomes are committed by now: a failure to report is logged, and the recorder's sweep reports the gap later. */
  private async reportGaps(ids: string[]): Promise<void> {
    try {
      await this.gaps.report(ids);
    } catch (err) {
      this.logger.warn(`reporting ${ids.length} ordering gap(s) failed (${(err as Error).message}); the next sweep retries`);
    }
  }

  /**
   * The outcomes are committed by now: a failure here is logged, not passed to their senders. The
   * count stays stored, so the subscription's next failed attempt tries again.
   */
  private async disableIfDue(s: CountedSubscription, gone: boolean): Promise<void> {
    if (!s.active || (!gone && s.consecutive_failures < this.config.disableAfter)) return;
    const [reason, message]: [DisableReason, string] = gone
      ? ['gone', 'the endpoint answered 410 Gone']
      : ['consecutive_failures', `${s.consecutive_failures} consecutive failed attempts (WEBHOOK_DISABLE_AFTER=${this.config.disableAfter})`];
    // A success committed meanwhile resets the count: the disable checks it again under the row lock.
    const minFailures = gone ? null : this.config.disableAfter;
    try {
      await this.withRetries(`disabling subscription ${s.id}`, () => this.dataSource.transaction((m) => this.disable(m, s.id, reason, message, minFailures)));
    } catch (err) {
      this.logger.error(`subscription ${s.id} should be disabled (${message}) but that failed (${(err as Error).message}); its next failed attempt tries again`);
    }
  }

  private async disable(m: EntityManager, id: string, reason: DisableReason, message: string, minFailures: number | null): Promise<void> {
    const [rows] = await m.query(
      `UPDATE webhook_subscriptions SET active = false, disabled_reason = $2, disabled_by = $3, disabled_at = now(), probe_attempts = 0, last_probe_at = NULL, updated_at = now()
       WHERE id = $1 AND active AND ($4::int IS NULL OR consecutive_failures >= $4::int) RETURNING id, name, url, consecutive_failures`,
      [id, message, reason, minFailures],
    );
    const s = (rows as { id: string; name: string; url: string; consecutive_failures: number }[])[0];
    if (!s) return;
    // Rows this instance claimed ahead for it are handed back unsent (new ones are not claimed: it is inactive).
    this.signal.disabled(s.id);
    this.logger.warn(`subscription ${s.id} (${s.name}) disabled: ${message}`);
    this.metrics.disabled.inc({ reason });
    await publishDisabled(this.events, m, { subscriptionId: s.id, name: s.name, url: withoutQuery(s.url), reason, message, consecutiveFailures: s.consecutive_failures });
  }
}
