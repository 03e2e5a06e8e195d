import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import type { CloudEvent } from '../envelope/cloud-event.js';
import { runInMeshContext } from '../context/mesh-context.js';
import { DeliveryLane, JetStreamContext } from './jetstream.context.js';

const call = <R>(fn: () => R): R => fn();

/**
 * What a batch handler ({@link EventBatchPattern}) gets as `@Ctx()` (its `@Payload()` is `events`):
 * the events of one call and their messages in parallel arrays (index i is one delivery), all from
 * one durable. No per-event object is made unless the handler asks for one (`context(i)`).
 *
 * Per-event outcomes: `fail(i, err)` marks event i as failed with `err` (a NonRetryableError is
 * dead-lettered with its message as the reason, another error retried with backoff); the events
 * not marked are acked once the handler resolves. A handler that throws fails every event.
 * @example
 * batch.events.forEach((event, i) => { if (!event.subject) batch.fail(i, new NonRetryableError('subject is required')); });
 */
export class JetStreamBatch extends BaseRpcContext<[DeliveryLane]> {
  readonly events: CloudEvent[] = [];
  readonly messages: JsMsg[] = [];
  /** Bytes of the events as received (the sum of `messages[i].data.length`). */
  bytes = 0;
  /** When its first event was taken (performance.now()), so handlers can report how long events waited for their call. */
  readonly gatheredAt = performance.now();
  private failures?: Map<number, unknown>;

  constructor(lane: DeliveryLane) {
    super([lane]);
  }

  get size(): number {
    return this.events.length;
  }

  /** True for a batch from the `<consumer>-replay` durable (replays and redrives), false for the live stream. */
  isReplay(): boolean {
    return this.args[0].replay;
  }

  /** The durable the batch came through (`event-store` or `event-store-replay`). */
  getConsumer(): string {
    return this.args[0].durable;
  }

  /** Event i's delivery facts, as a per-event handler's `@Ctx()` (made on demand). */
  context(i: number): JetStreamContext {
    return new JetStreamContext([this.messages[i], this.events[i], this.args[0]]);
  }

  /** Marks event i as failed: it is retried or dead-lettered alone, the others are acked. */
  fail(i: number, error: unknown): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.events.length) throw new RangeError(`batch.fail(${i}): no such event in a batch of ${this.events.length}`);
    (this.failures ??= new Map()).set(i, error ?? new Error('failed by the batch handler'));
  }

  /** The error event i was marked with, undefined when it was not. */
  failureOf(i: number): unknown {
    return this.failures?.get(i);
  }

  get failed(): number {
    return this.failures?.size ?? 0;
  }

  /**
   * Runs `fn` inside event i's mesh context, so what it publishes inherits the event's correlation
   * and causation (the transport enters no per-event context for batch handlers). Not a span.
   */
  inContext<R>(i: number, fn: () => R): R {
    return runInMeshContext(this.events[i], call, fn, undefined, undefined);
  }

  /** Adds a delivery of `bytes` (its `msg.data.length`): the transport's, while gathering. */
  push(msg: JsMsg, event: CloudEvent, bytes: number): void {
    this.messages.push(msg);
    this.events.push(event);
    this.bytes += bytes;
  }
}
