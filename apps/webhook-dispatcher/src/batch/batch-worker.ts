import { setMaxListeners } from 'node:events';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { DeliverySignal } from '../delivery/delivery-signal.js';
import { OutcomeWriter } from '../delivery/outcome.writer.js';
import type { BatchConfig } from './batch-config.js';
import { BatchExecutor } from './batch-executor.js';
import { BatchRepository, type ClaimedBatch } from './batch.repository.js';

/** One batch subscription's share of this instance: one batch in flight at a time. */
interface BatchLane {
  id: string;
  batch: BatchConfig;
  pumping: boolean;
  again: boolean;
  /** Wakes the lane when its open batch's oldest event has waited maxWaitMs. */
  timer?: NodeJS.Timeout;
}

const RELEASE_GRACE_MS = 4_000;

/**
 * Sends the deliveries of subscriptions with `batch` set, apart from the per-delivery lanes (which
 * never claim them): per subscription one request at a time, carrying up to `maxEvents` due
 * events, sent when the batch is full or its oldest event has waited `maxWaitMs`. Batches go in
 * fan-out order; a failed batch is retried whole (same id, same members), ahead of new batches once
 * due, and (as for unordered deliveries) newer batches go while it waits for its retry.
 * Wakes on this instance's fan-out commits, on the poll, and on its own maxWaitMs timers.
 * Outcomes go through the shared OutcomeWriter (one group commit for all members); shutdown lets
 * a batch in flight finish within WEBHOOK_SHUTDOWN_GRACE, then cuts it off and releases its leases.
 */
@Injectable()
export class BatchWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BatchWorker.name);
  private readonly lanes = new Map<string, BatchLane>();
  private readonly sends = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private running = false;
  private poll?: NodeJS.Timeout;

  constructor(
    private readonly repository: BatchRepository,
    private readonly executor: BatchExecutor,
    private readonly outcomes: OutcomeWriter,
    signal: DeliverySignal,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {
    setMaxListeners(0, this.stopping.signal);
    signal.on((ids) => {
      for (const id of ids) {
        const lane = this.lanes.get(id);
        if (lane) void this.pump(lane);
      }
    });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.poll = setInterval(() => void this.scan(), this.config.pollIntervalMs);
    void this.scan();
  }

  private async scan(): Promise<void> {
    if (!this.running) return;
    try {
      for (const s of await this.repository.dueSubscriptions()) {
        let lane = this.lanes.get(s.id);
        if (!lane) this.lanes.set(s.id, (lane = { id: s.id, batch: s.batch, pumping: false, again: false }));
        lane.batch = s.batch;
        void this.pump(lane);
      }
    } catch (err) {
      this.logger.warn(`looking for due batches failed (${(err as Error).message}); next poll retries`);
    }
  }

  private async pump(lane: BatchLane): Promise<void> {
    if (!this.running) return;
    if (lane.pumping) {
      lane.again = true;
      return;
    }
    lane.pumping = true;
    try {
      do {
        lane.again = false;
        while (this.running) {
          const claimed = await this.repository.claim(lane.id, lane.batch, this.config.leaseMarginMs);
          if (!claimed) break;
          if ('waitMs' in claimed) {
            this.wakeIn(lane, claimed.waitMs);
            break;
          }
          // Shutdown began during the claim: hand the rows back rather than send them.
          if (!this.running) {
            await this.track(Promise.all(claimed.deliveries.map((d) => this.outcomes.release(d))).then(() => undefined));
            break;
          }
          await this.track(this.send(claimed));
        }
      } while (lane.again && this.running);
    } catch (err) {
      // Its leases run out and the batch is due again: delayed, not lost.
      this.logger.error(`a batch of subscription ${lane.id} failed to claim or record (${(err as Error).message}); it is sent again when its lease ends`);
    } finally {
      lane.pumping = false;
    }
  }

  private wakeIn(lane: BatchLane, ms: number): void {
    clearTimeout(lane.timer);
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      void this.pump(lane);
    }, ms);
    lane.timer.unref();
  }

  private track(work: Promise<void>): Promise<void> {
    const tracked = work.finally(() => this.sends.delete(tracked));
    this.sends.add(tracked);
    return tracked;
  }

  /** One attempt of the batch and its members' outcomes committed; cut off by our own shutdown, their leases are released instead. */
  private async send(batch: ClaimedBatch): Promise<void> {
    const outcomes = await this.executor.attempt(batch, this.stopping.signal);
    if (outcomes) await Promise.all(outcomes.map((o) => this.outcomes.record(o)));
    else await Promise.all(batch.deliveries.map((d) => this.outcomes.release(d)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearInterval(this.poll);
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    const settled = (ms: number) =>
      Promise.race([Promise.allSettled([...this.sends]).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    if (this.sends.size === 0 || (await settled(this.config.shutdownGraceMs))) return;
    this.stopping.abort(new Error('the dispatcher is shutting down'));
    if (!(await settled(RELEASE_GRACE_MS))) this.logger.warn(`${this.sends.size} batch(es) not released in time; their leases end on their own and they are sent again then`);
  }
}
