import type { JsMsg } from '@nats-io/jetstream';

/**
 * Sends the acks of one event-loop turn together, so they leave in one socket write.
 *
 * nats.js buffers outgoing commands and flushes them in a microtask; handlers finish in
 * microtasks of their own, so without this each `m.ack()` ran its own flush and its own
 * `socket.write` (~30 % of consume CPU in profiles). Here an ack is queued and all queued acks
 * are sent back to back from one `setImmediate`, and the client's single microtask flush carries
 * them all. An ack is only queued after the handler's effect, so the guarantee is unchanged: at
 * worst (the process dies inside that turn) the message is redelivered, as it would be if the
 * write itself were lost.
 */
export class AckBatcher {
  private queue: JsMsg[] = [];
  private scheduled?: NodeJS.Immediate;

  /** @param onError told about an ack the client refused (connection closed): the server redelivers that message. */
  constructor(private readonly onError: (msg: JsMsg, err: unknown) => void) {}

  /** Number of acks queued and not yet handed to the client. */
  get pending(): number {
    return this.queue.length;
  }

  ack(msg: JsMsg): void {
    this.queue.push(msg);
    this.scheduled ??= setImmediate(this.flush);
  }

  /** Hands every queued ack to the client now (also called on close, before the connection drains). */
  readonly flush = (): void => {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.queue;
    this.queue = [];
    for (const msg of batch) {
      try {
        msg.ack();
      } catch (err) {
        this.onError(msg, err);
      }
    }
  };
}
