import type { JsMsg } from '@nats-io/jetstream';
import type { CloudEvent } from '../envelope/cloud-event.js';
import type { ResolvedBatchOptions } from './event-batch-pattern.js';
import { JetStreamBatch } from './jetstream-batch.js';
import type { DeliveryLane } from './jetstream.context.js';

/** A batch with what the transport keeps per delivery besides the handler's view: its route and lease slot. */
export interface GatheredBatch<R> {
  batch: JetStreamBatch;
  routes: R[];
  leases: number[];
}

/** Runs a batch's handler and settles every delivery in it; never rejects. */
export type BatchRunner<R> = (gathered: GatheredBatch<R>) => Promise<void>;

/**
 * Gathers one batch handler's deliveries from one lane into batches, GroupCommit-style: a batch
 * is called when `maxEvents` (or `maxBytes`) are gathered, or on the next turn of the event loop
 * (what one pull delivered); while `maxInFlight` calls run, deliveries accumulate and the next free
 * slot takes them at once. The transport's concurrency gate bounds how many deliveries wait here.
 */
export class BatchCollector<R> {
  private open?: GatheredBatch<R>;
  /** Full batches waiting for a slot. */
  private ready: GatheredBatch<R>[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly options: ResolvedBatchOptions,
    private readonly lane: DeliveryLane,
    private readonly run: BatchRunner<R>,
  ) {}

  /** Deliveries gathered and not yet handed to the handler. */
  get waiting(): number {
    let n = this.open?.batch.size ?? 0;
    for (const g of this.ready) n += g.batch.size;
    return n;
  }

  /** @param bytes the size of `msg.data` (the transport has read it; each read of `msg.data` allocates a view) */
  add(msg: JsMsg, event: CloudEvent, bytes: number, route: R, lease: number): void {
    let g = this.open;
    // Over the byte budget with what is gathered: that goes as it is, this one starts the next.
    if (g && g.batch.bytes + bytes > this.options.maxBytes) {
      this.ready.push(g);
      g = undefined;
    }
    g ??= this.open = { batch: new JetStreamBatch(this.lane), routes: [], leases: [] };
    g.batch.push(msg, event, bytes);
    g.routes.push(route);
    g.leases.push(lease);
    if (g.batch.size >= this.options.maxEvents) {
      this.ready.push(g);
      this.open = undefined;
    }
    if (this.running >= this.options.maxInFlight) return; // the next free slot takes it
    if (this.ready.length > 0) return this.pump();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /**
   * Takes back everything gathered and not started (close(): handed back to the server rather than
   * run after shutdown began). Calls in flight are not affected.
   */
  takeWaiting(): GatheredBatch<R>[] {
    const all = this.open ? [...this.ready, this.open] : this.ready;
    this.ready = [];
    this.open = undefined;
    return all;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    this.pump();
  };

  private pump(): void {
    while (this.running < this.options.maxInFlight) {
      const g = this.ready.shift() ?? this.open;
      if (!g) return;
      if (g === this.open) this.open = undefined;
      this.running++;
      void this.run(g).finally(this.done);
    }
  }

  /** Group commit: what gathered while the call ran goes now. */
  private readonly done = (): void => {
    this.running--;
    this.pump();
  };
}
