import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EVENTS_CONFIG, STREAM_DLQ, STREAM_EVENTS } from '../../events.constants.js';
import type { EventsConfig } from '../../config/events-config.js';
import { NatsConnectionManager } from '../../nats/nats-connection.js';
import { MetricsService } from '../../metrics/metrics.service.js';

const TIMEOUT_MS = 2_000;

/** The EVENTS stream, this app's consumer lag and its dead-letter depth. */
@Injectable()
export class JetStreamHealthIndicator {
  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly health: HealthIndicatorService,
    private readonly nats: NatsConnectionManager,
    private readonly metrics: MetricsService,
  ) {}

  stream(key = 'stream') {
    return this.health
      .check(key)
      .attempt(async () => {
        const { state, config, cluster } = await this.nats.jetStreamManager().streams.info(STREAM_EVENTS);
        return {
          name: STREAM_EVENTS,
          messages: state.messages,
          bytes: state.bytes,
          lastSeq: state.last_seq,
          replicas: config.num_replicas,
          // In a cluster: who leads, and which copies are behind or gone (reported, not judged).
          ...(cluster?.replicas && {
            leader: cluster.leader,
            replicasBehind: cluster.replicas.filter((r) => r.offline || !r.current).map((r) => r.name),
          }),
        };
      })
      .withTimeout(TIMEOUT_MS);
  }

  /** Lag is reported, not judged: a backlog is a reason to look, not to pull the app from service. */
  consumer(key = 'consumer') {
    return this.health
      .check(key)
      .attempt(async () => {
        const name = this.config.consumer!;
        const info = await this.nats.jetStreamManager().consumers.info(STREAM_EVENTS, name);
        this.metrics.consumerPending.set({ consumer: name }, info.num_pending);
        this.metrics.consumerAckPending.set({ consumer: name }, info.num_ack_pending);
        return { name, num_pending: info.num_pending, num_ack_pending: info.num_ack_pending, redelivered: info.num_redelivered };
      })
      .withTimeout(TIMEOUT_MS);
  }

  dlq(key = 'dlq') {
    return this.health
      .check(key)
      .attempt(async () => {
        const filter = this.config.consumer ? `dlq.${this.config.consumer}.>` : 'dlq.>';
        const info = await this.nats.jetStreamManager().streams.info(STREAM_DLQ, { subjects_filter: filter });
        const depth = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
        return { filter, depth };
      })
      .withTimeout(TIMEOUT_MS);
  }
}
