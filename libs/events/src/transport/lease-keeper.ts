import type { JsMsg } from '@nats-io/jetstream';

/**
 * Keeps the ack lease of long-running handlers with ONE timer for all in-flight messages (a timer
 * per message cost measurable CPU at thousands of messages per second). Every `intervalMs`, each
 * message held at least that long gets `working()`, which restarts its ack wait on the server.
 */
export class LeaseKeeper {
  private readonly held = new Map<JsMsg, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly intervalMs: number) {}

  hold(msg: JsMsg): void {
    this.held.set(msg, Date.now());
    if (!this.timer) {
      this.timer = setInterval(() => this.renew(), this.intervalMs);
      // The lease timer alone must not keep a process alive.
      this.timer.unref();
    }
  }

  release(msg: JsMsg): void {
    this.held.delete(msg);
    if (this.held.size === 0) this.stop();
  }

  get size(): number {
    return this.held.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private renew(): void {
    const due = Date.now() - this.intervalMs;
    for (const [msg, since] of this.held) {
      if (since <= due) msg.working();
    }
  }
}
