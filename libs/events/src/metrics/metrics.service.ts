import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { TallyHistogram } from './tally-histogram.js';

/** A count kept as a plain number on the hot path and added to its counter when scraped. */
export interface PendingCount {
  n: number;
}

/**
 * The event path's Prometheus metrics. One registry per app instance (not prom-client's global),
 * so several apps can share a process in tests without clashing.
 * @example this.metrics.consumed.inc({ consumer: 'search-sync', type: event.type });
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** Consumed counts per label set, not yet added to `consumed` (see {@link consumedCount}). */
  private readonly pendingConsumed = new Map<string, { labels: Record<string, string>; pending: PendingCount }>();

  readonly published = new Counter({
    name: 'mesh_events_published_total',
    help: 'Events accepted by JetStream (direct or relayed from the outbox)',
    labelNames: ['service', 'via'],
    registers: [this.registry],
  });
  readonly queued = new Counter({
    name: 'mesh_events_outboxed_total',
    help: 'Events written to the outbox because JetStream could not take them, or inside a transaction',
    labelNames: ['service'],
    registers: [this.registry],
  });
  readonly consumed = new Counter({
    name: 'mesh_events_consumed_total',
    help: 'Events handled successfully and acked',
    labelNames: ['consumer', 'type'],
    registers: [this.registry],
    // Runs on scrape: the transport's per-message `n++` costs nothing, prom-client's inc() hashed labels.
    collect: () => {
      for (const { labels, pending } of this.pendingConsumed.values()) {
        if (pending.n === 0) continue;
        this.consumed.inc(labels, pending.n);
        pending.n = 0;
      }
    },
  });
  readonly failed = new Counter({
    name: 'mesh_events_failed_total',
    help: 'Handler failures (each failed delivery)',
    labelNames: ['consumer', 'type'],
    registers: [this.registry],
  });
  readonly retried = new Counter({
    name: 'mesh_events_retried_total',
    help: 'Deliveries nak-ed for a later retry',
    labelNames: ['consumer', 'type'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'mesh_events_dead_lettered_total',
    help: 'Messages moved to EVENTS_DLQ',
    labelNames: ['consumer', 'type', 'reason'],
    registers: [this.registry],
  });
  /** Observed per consumed event, so tallied without prom-client's per-call label hashing. */
  readonly handlerSeconds = new TallyHistogram(
    'mesh_handler_duration_seconds',
    'Handler latency',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    this.registry,
  );
  /** Publish→handler latency from the envelope's `time`: includes queueing, lag and clock skew between hosts. */
  readonly eventLatencySeconds = new TallyHistogram(
    'mesh_event_latency_seconds',
    'Time from the event (envelope time) to the start of its handler',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    this.registry,
  );
  readonly consumerPending = new Gauge({
    name: 'mesh_consumer_pending',
    help: 'Messages not yet delivered to the durable consumer (lag)',
    labelNames: ['consumer'],
    registers: [this.registry],
  });
  readonly consumerAckPending = new Gauge({
    name: 'mesh_consumer_ack_pending',
    help: 'Messages delivered but not yet acked',
    labelNames: ['consumer'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The consumed count for one label set, made once: `n++` per event, flushed into `consumed` when scraped. */
  consumedCount(labels: { consumer: string; type: string }): PendingCount {
    const key = `${labels.consumer}\u0000${labels.type}`;
    let entry = this.pendingConsumed.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, pending: { n: 0 } };
      this.pendingConsumed.set(key, entry);
    }
    return entry.pending;
  }
}
