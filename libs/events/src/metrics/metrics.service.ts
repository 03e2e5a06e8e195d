import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The event path's Prometheus metrics. One registry per app instance (not prom-client's global),
 * so several apps can share a process in tests without clashing.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

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
    labelNames: ['consumer', 'reason'],
    registers: [this.registry],
  });
  readonly handlerSeconds = new Histogram({
    name: 'mesh_handler_duration_seconds',
    help: 'Handler latency',
    labelNames: ['consumer', 'type'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
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
}
