import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import type { CloudEvent } from '../envelope/cloud-event.js';

type Args = [JsMsg, CloudEvent, string];

/** What a handler gets with `@Ctx()`: the JetStream message and its delivery facts. */
export class JetStreamContext extends BaseRpcContext<Args> {
  getMessage(): JsMsg {
    return this.args[0];
  }
  getEvent(): CloudEvent {
    return this.args[1];
  }
  /** The durable this delivery came through (`event-store` or `event-store-replay`). */
  getConsumer(): string {
    return this.args[2];
  }
  getSubject(): string {
    return this.args[0].subject;
  }
  getDeliveryCount(): number {
    return this.args[0].info.deliveryCount;
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
