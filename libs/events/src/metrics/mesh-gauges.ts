import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { EVENTS_CONFIG, replayDurable, STREAM_DLQ, STREAM_EVENTS, STREAM_REPLAY } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { MetricsService } from './metrics.service.js';

/**
 * The gauges that need a look at JetStream or PostgreSQL: consumer lag, DLQ depth and outbox
 * depth, read every `METRICS_REFRESH_INTERVAL` (so dashboards move without anyone calling
 * /health/events), and the NATS connection state, read at scrape time.
 */
@Injectable()
export class MeshGauges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MeshGauges.name);
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private lastError?: string;
  private stopping = false;

  readonly natsConnected: Gauge;
  readonly dlqDepth: Gauge;
  readonly outboxDepth: Gauge;

  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly metrics: MetricsService,
    private readonly nats: NatsConnectionManager,
    private readonly outbox: OutboxRepository,
  ) {
    const registers = [metrics.registry];
    this.natsConnected = new Gauge({
      name: 'mesh_nats_connected',
      help: '1 while the NATS connection is up, 0 while it is down or reconnecting',
      labelNames: ['service'],
      registers,
      collect: () => this.natsConnected.set({ service: config.service }, nats.isConnected ? 1 : 0),
    });
    this.dlqDepth = new Gauge({ name: 'mesh_dlq_depth', help: "Messages in EVENTS_DLQ for this app's consumer", labelNames: ['consumer'], registers });
    this.outboxDepth = new Gauge({ name: 'mesh_outbox_depth', help: 'Outbox rows of this service still waiting for JetStream', labelNames: ['service'], registers });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refresh(), this.config.metricsRefreshMs);
    this.timer.unref();
    void this.refresh();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.refreshing;
  }

  /** Reads every gauge once; a pass still running is joined rather than doubled. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readAll().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async readAll(): Promise<void> {
    const reads = [this.readOutbox()];
    if (this.nats.isReady && this.config.consumer) reads.push(this.readConsumers(this.config.consumer));
    const failures = (await Promise.allSettled(reads)).filter((r) => r.status === 'rejected');
    // One line when reads start failing, not one per tick; the health route tells the rest.
    const error = failures.map((f) => ((f as PromiseRejectedResult).reason as Error).message).join('; ') || undefined;
    // A read cut short by our own shutdown (pool or connection closing) is not worth reporting.
    if (error && error !== this.lastError && !this.stopping) this.logger.warn(`metrics refresh incomplete: ${error}`);
    this.lastError = error;
  }

  private async readOutbox(): Promise<void> {
    this.outboxDepth.set({ service: this.config.service }, await this.outbox.count(this.config.service));
  }

  private async readConsumers(consumer: string): Promise<void> {
    const jsm = this.nats.jetStreamManager();
    const lanes: Array<[string, string]> = [
      [STREAM_EVENTS, consumer],
      [STREAM_REPLAY, replayDurable(consumer)],
    ];
    for (const [stream, durable] of lanes) {
      const info = await jsm.consumers.info(stream, durable).catch(() => undefined); // not provisioned yet
      if (!info) continue;
      this.metrics.consumerPending.set({ consumer: durable }, info.num_pending);
      this.metrics.consumerAckPending.set({ consumer: durable }, info.num_ack_pending);
    }
    const dlq = await jsm.streams.info(STREAM_DLQ, { subjects_filter: `dlq.${consumer}.>` });
    this.dlqDepth.set({ consumer }, Object.values(dlq.state.subjects ?? {}).reduce((a, b) => a + b, 0));
  }
}
