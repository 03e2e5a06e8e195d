import { performance } from 'node:perf_hooks';
import { checkGroupCommitOptions, type GroupCommitOptions } from './group-commit.options.js';
import { GroupCommitClosedError, ItemFailure, type ItemResult } from './item-result.js';

/**
 * Writes one batch. Resolving with nothing means every item succeeded (for `R = void`); otherwise
 * with one result per item, in the items' order, an {@link ItemFailure} refusing just that item.
 * Throwing fails the batch (or, when `isolate` says so, splits it).
 *
 * @example
 * const write: BatchWriter<Op, string> = async (ops) => ops.map((op) => (op.ok ? op.id : new ItemFailure(new Error('refused'))));
 */
export type BatchWriter<T, R> = (items: T[]) => Promise<readonly ItemResult<R>[] | (undefined extends R ? void : never)>;

/**
 * What a commit has done so far (health, benches, diagnosis).
 *
 * @example
 * const { batches, items } = commit.stats; // average batch: items / batches
 */
export interface GroupCommitStats {
  /** Batches taken from the queue (splits not counted). */
  batches: number;
  /** Items taken from the queue. */
  items: number;
  largestBatch: number;
  /** Items whose write succeeded. */
  committed: number;
  /** Items refused alone: isolated by a split, or an ItemFailure from the writer. */
  refused: number;
  /** Batches split in halves because `isolate` accepted their error. */
  splits: number;
  /** Writes that failed as a whole (every item rejected). */
  failedBatches: number;
}

interface Waiting<T, R> {
  item: T;
  bytes: number;
  /** When it was added (performance.now()), for the wait metric. */
  at: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: callers hand over items one by one, and each caller's promise settles only once
 * the batch holding its item was written (so a consumer acks only after its effect is durable).
 *
 * A batch goes out when `maxBatch` items wait, or after `flushIntervalMs` (default: the next turn
 * of the event loop). While `maxInFlight` writes run, items accumulate and the next free slot
 * takes up to `maxBatch` of them at once: light load gives small immediate batches, heavy load
 * full ones. Items keep their order within a batch.
 *
 * @example
 * const commit = new GroupCommit<Row>({ name: 'rows', maxBatch: 500, maxInFlight: 2 }, (rows) => insert(rows));
 * await commit.add(row); // resolves once the INSERT holding `row` committed
 * await commit.drain(); // at shutdown: writes what waits, then refuses new items
 */
export class GroupCommit<T, R = void> {
  readonly stats: GroupCommitStats = { batches: 0, items: 0, largestBatch: 0, committed: 0, refused: 0, splits: 0, failedBatches: 0 };
  private queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  private inFlightItems = 0;
  private timer?: NodeJS.Timeout;
  private immediate = false;
  private drained?: Promise<void>;
  private whenIdle?: () => void;

  constructor(
    private readonly options: GroupCommitOptions<T>,
    private readonly writer: BatchWriter<T, R>,
  ) {
    checkGroupCommitOptions(options);
  }

  /** Items waiting for a write slot (not counting those being written). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Writes running now. */
  get running(): number {
    return this.inFlight;
  }

  /** Items handed over and not settled yet (waiting and being written). */
  get backlog(): number {
    return this.queue.length + this.inFlightItems;
  }

  /** Resolves with the item's result once its batch was written; rejects with why not. */
  add(item: T): Promise<R> {
    if (this.drained) return Promise.reject(new GroupCommitClosedError(this.options.name));
    return new Promise<R>((resolve, reject) => {
      const bytes = this.options.sizeOf ? this.options.sizeOf(item) : 0;
      this.queue.push({ item, bytes, at: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Writes what waits now instead of after the flush interval. */
  flush(): void {
    this.cancelTimer();
    this.flushDue();
  }

  /**
   * Shutdown: refuses new items (GroupCommitClosedError), writes everything queued without waiting
   * out the interval, and resolves once every write has settled. Never rejects: the items' own
   * promises carry their failures.
   */
  drain(): Promise<void> {
    this.drained ??= new Promise<void>((resolve) => {
      this.whenIdle = resolve;
      this.flush();
      this.settleIdle();
    });
    return this.drained;
  }

  private schedule(): void {
    if (this.inFlight >= this.options.maxInFlight) return; // the next free slot takes it
    if (this.queue.length >= this.options.maxBatch) return this.startBatch();
    const interval = this.options.flushIntervalMs ?? 0;
    if (interval > 0) this.timer ??= setTimeout(this.flushDue, interval);
    else if (!this.immediate) {
      this.immediate = true;
      setImmediate(this.flushDue);
    }
  }

  private readonly flushDue = (): void => {
    this.timer = undefined;
    this.immediate = false;
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) this.startBatch();
  };

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startBatch(): void {
    const batch = this.take();
    if (this.queue.length === 0) this.cancelTimer(); // nobody left to wait for
    this.inFlight++;
    this.inFlightItems += batch.length;
    this.stats.batches++;
    this.stats.items += batch.length;
    if (batch.length > this.stats.largestBatch) this.stats.largestBatch = batch.length;
    this.write(batch)
      // Only a throwing callback (isolate, refuse, onBatch) gets here: its error reaches the items still unsettled.
      .catch((err: unknown) => batch.forEach((w) => w.reject(err)))
      .finally(() => {
        this.inFlight--;
        this.inFlightItems -= batch.length;
        // Group commit: what arrived meanwhile goes now, unless a timer is still collecting it.
        const q = this.queue.length;
        if (q >= this.options.maxBatch || (q > 0 && (this.timer === undefined || this.drained))) this.startBatch();
        else this.settleIdle();
      });
  }

  /** The next batch: up to `maxBatch` items within the byte budget (one item at least). */
  private take(): Waiting<T, R>[] {
    const { maxBatch, maxBatchBytes } = this.options;
    let take = Math.min(this.queue.length, maxBatch);
    if (maxBatchBytes !== undefined) {
      for (let i = 0, bytes = 0; i < take; i++) {
        bytes += this.queue[i].bytes;
        if (bytes > maxBatchBytes) take = Math.max(1, i);
      }
    }
    if (take === this.queue.length) {
      const all = this.queue;
      this.queue = [];
      return all;
    }
    const batch = this.queue.slice(0, take);
    this.queue = this.queue.slice(take);
    return batch;
  }

  /** Writes `batch` and settles every item in it; rejects only when a callback threw. */
  private async write(batch: Waiting<T, R>[]): Promise<void> {
    const started = performance.now();
    let results: readonly ItemResult<R>[] | void;
    try {
      results = await this.writer(batch.map((w) => w.item));
    } catch (err) {
      this.report(batch, started, 'failed');
      return this.failed(batch, err);
    }
    this.report(batch, started, 'committed');
    if (!results) {
      this.stats.committed += batch.length;
      for (const w of batch) w.resolve(undefined as R); // BatchWriter allows no results only when R admits undefined
      return;
    }
    if (results.length !== batch.length) {
      const err = new Error(`GroupCommit ${this.options.name}: the writer returned ${results.length} results for ${batch.length} items`);
      this.stats.failedBatches++;
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i];
      if (r instanceof ItemFailure) {
        this.stats.refused++;
        w.reject(r.error);
      } else {
        this.stats.committed++;
        w.resolve(r);
      }
    });
  }

  private async failed(batch: Waiting<T, R>[], err: unknown): Promise<void> {
    if (!this.options.isolate?.(err)) {
      this.stats.failedBatches++;
      for (const w of batch) w.reject(err);
      return;
    }
    if (batch.length === 1) {
      this.stats.refused++;
      const { refuse } = this.options;
      batch[0].reject(refuse ? refuse(batch[0].item, err) : err);
      return;
    }
    // Isolate the items at fault: halves, one after the other in this slot (2·log2(n) writes for one bad item).
    this.stats.splits++;
    const half = batch.length >> 1;
    await this.write(batch.slice(0, half));
    await this.write(batch.slice(half));
  }

  private report(batch: Waiting<T, R>[], started: number, outcome: 'committed' | 'failed'): void {
    const { onBatch, name } = this.options;
    if (!onBatch) return;
    onBatch({ name, size: batch.length, waitMs: started - batch[0].at, writeMs: performance.now() - started, outcome });
  }

  private settleIdle(): void {
    if (this.whenIdle && this.inFlight === 0 && this.queue.length === 0) this.whenIdle();
  }
}
