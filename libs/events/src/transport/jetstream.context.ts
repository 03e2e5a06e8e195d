import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import type { CloudEvent } from '../envelope/cloud-event.js';
import { scheduledDelay } from './failure-policy.js';

/** The lane a delivery came through and the retry policy the transport applies to it. */
export interface DeliveryLane {
  /** The durable (`event-store` or `event-store-replay`). */
  durable: string;
  /** True for the `<consumer>-replay` durable on `replay.<consumer>.>`. */
  replay: boolean;
  maxDeliver: number;
  backoffMs: readonly number[];
}

type Args = [JsMsg, CloudEvent, DeliveryLane];

/**
 * What a handler gets with `@Ctx()`: the JetStream message and its delivery facts, including
 * what the transport will decide on failure, so handlers need not re-derive the policy.
 * @example
 * if (ctx.isLastDelivery()) await this.giveUp(event); else throw new RetryLaterError('busy', ctx.nextDelay() * 2);
 */
export class JetStreamContext extends BaseRpcContext<Args> {
  getMessage(): JsMsg {
    return this.args[0];
  }
  getEvent(): CloudEvent {
    return this.args[1];
  }
  /** The durable this delivery came through (`event-store` or `event-store-replay`). */
  getConsumer(): string {
    return this.args[2].durable;
  }
  getSubject(): string {
    return this.args[0].subject;
  }
  getDeliveryCount(): number {
    return this.args[0].info.deliveryCount;
  }
  /** This message's delivery count, 1 for the first (the same as `getDeliveryCount()`). */
  deliveries(): number {
    return this.getDeliveryCount();
  }
  /** True when a failure now dead-letters the message instead of retrying it. */
  isLastDelivery(): boolean {
    return this.deliveries() >= this.args[2].maxDeliver;
  }
  /** The delay the transport naks with if this delivery fails retryably without its own delay. */
  nextDelay(): number {
    return scheduledDelay(this.deliveries(), this.args[2].backoffMs);
  }
  /** True for a replay or redrive aimed at this app (the replay stream), false for the live stream. */
  isReplay(): boolean {
    return this.args[2].replay;
  }
  getStreamSequence(): number {
    return this.args[0].seq;
  }
  /** `replay` or `redrive` when the event came back through the replay stream. */
  getReplayKind(): string | undefined {
    return this.args[0].headers?.get('Mesh-Replay') || undefined;
  }
  /** Tells the server the handler is still working, postponing redelivery. */
  working(): void {
    this.args[0].working();
  }
}
