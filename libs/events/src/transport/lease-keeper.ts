import type { JsMsg } from '@nats-io/jetstream';

/** Timer ticks per lease interval: a message is renewed between 1 and 1¼ intervals after it was taken. */
const TICKS_PER_INTERVAL = 4;

/**
 * Keeps the ack lease of long-running handlers with ONE timer for all in-flight messages, a
 * small timer wheel: every quarter interval it renews (`working()`, which restarts the ack wait
 * on the server) each message held for a full interval since it was taken or last renewed.
 *
 * Per message it only writes two array slots: `hold` returns a slot index that `release` frees,
 * with no clock read, no Map entry and no timer. The timer runs from the first `hold` until
 * `stop()` (unref'd), rather than starting and stopping as the table empties, which at low rates
 * meant a timer per message.
 */
export class LeaseKeeper {
  private readonly msgs: (JsMsg | undefined)[] = [];
  /** The tick each slot's message was taken or last renewed at. */
  private readonly since: number[] = [];
  private readonly free: number[] = [];
  private held = 0;
  private tick = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly intervalMs: number) {}

  /** Starts keeping `msg`'s lease; pass the returned slot to `release`. */
  hold(msg: JsMsg): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.msgs.length;
    this.msgs[slot] = msg;
    this.since[slot] = this.tick;
    this.held++;
    if (!this.timer) {
      this.timer = setInterval(() => this.renew(), this.intervalMs / TICKS_PER_INTERVAL);
      // The lease timer alone must not keep a process alive.
      this.timer.unref();
    }
    return slot;
  }

  release(slot: number): void {
    this.msgs[slot] = undefined;
    this.free.push(slot);
    this.held--;
  }

  get size(): number {
    return this.held;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private renew(): void {
    const now = ++this.tick;
    for (let slot = 0; slot < this.msgs.length; slot++) {
      const msg = this.msgs[slot];
      if (msg && now - this.since[slot] >= TICKS_PER_INTERVAL) {
        this.since[slot] = now;
        msg.working();
      }
    }
  }
}
