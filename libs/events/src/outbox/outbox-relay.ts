import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENTS_CONFIG } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';
import { JetStreamPublisher } from '../publisher/jetstream-publisher.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PgListener } from '../database/pg-listener.js';
import { OUTBOX_CHANNEL, OutboxRepository } from './outbox.repository.js';

const BATCH = 500;
const IDLE_POLL_MS = 1_000;
const backoffMs = (attempts: number) => Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));

/**
 * Moves outbox rows to JetStream: woken by NOTIFY on commit, by NATS reconnecting, and by a slow
 * poll for rows whose retry time has come. Rows are deleted only after their PubAck; a row whose
 * publish fails is retried with exponential backoff. Same event id, so JetStream dedupes repeats.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private wake?: () => void;
  /** NOTIFY on commit wakes the relay at once; the poll covers the time it is lost. */
  private listener?: PgListener;
  private loop?: Promise<void>;

  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly outbox: OutboxRepository,
    private readonly nats: NatsConnectionManager,
    private readonly publisher: JetStreamPublisher,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.nats.onConnected(() => this.kick());
    this.listener = new PgListener(this.config.databaseUrl, OUTBOX_CHANNEL, () => this.kick());
    this.listener.start();
    this.loop = this.run();
  }

  /** Asks the relay to look at the outbox now. */
  kick(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let moved = 0;
      if (this.nats.isReady) {
        try {
          moved = await this.relayBatch();
        } catch (err) {
          this.logger.warn(`outbox relay pass failed: ${(err as Error).message}`);
        }
      }
      if (moved < BATCH && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Publishes one batch of due rows; returns how many were published. */
  async relayBatch(): Promise<number> {
    return this.outbox.withDueRows(BATCH, async (rows, manager) => {
      if (rows.length === 0) return 0;
      const results = await Promise.allSettled(rows.map((r) => this.publisher.publish(r.subject, r.payload, r.id)));
      const done: string[] = [];
      for (const [i, result] of results.entries()) {
        if (result.status === 'fulfilled') done.push(rows[i].seq);
        else await this.outbox.postpone(manager, [rows[i].seq], backoffMs(rows[i].attempts), (result.reason as Error).message);
      }
      await this.outbox.remove(manager, done);
      if (done.length > 0) {
        this.metrics.published.inc({ service: this.config.service, via: 'outbox' }, done.length);
        this.logger.log(`relayed ${done.length} event(s) from the outbox`);
      }
      return done.length;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    await this.listener?.stop();
  }
}
