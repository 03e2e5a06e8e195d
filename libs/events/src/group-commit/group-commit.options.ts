/**
 * What one batch did, for metrics: reported once per write, splits included.
 *
 * @example
 * const onBatch = (r: BatchReport) => histogram.observe({ commit: r.name }, r.size);
 */
export interface BatchReport {
  /** The commit's name (a metrics label). */
  name: string;
  /** Items in the batch. */
  size: number;
  /** How long its oldest item waited for the batch to start, in milliseconds. */
  waitMs: number;
  /** From the writer being called to it settling, in milliseconds. */
  writeMs: number;
  /** `committed`: the writer resolved (items may still be refused one by one); `failed`: it threw. */
  outcome: 'committed' | 'failed';
}

/**
 * How a {@link GroupCommit} forms batches.
 *
 * @example
 * const options: GroupCommitOptions<Row> = { name: 'rows', maxBatch: 500, maxInFlight: 2 };
 */
export interface GroupCommitOptions<T> {
  /** Names the commit in errors and metrics. */
  name: string;
  /** Most items in one batch (one write). */
  maxBatch: number;
  /** Writes running at once; while all are busy, items accumulate for the next free one. */
  maxInFlight: number;
  /** Most bytes in one batch, as measured by `sizeOf` (a batch holds one item at least). */
  maxBatchBytes?: number;
  /** The size of an item for `maxBatchBytes`. */
  sizeOf?: (item: T) => number;
  /**
   * How long the first waiting item waits for company before its batch goes out.
   * 0 or absent: the next turn of the event loop, so a burst dispatched together shares a batch.
   */
  flushIntervalMs?: number;
  /**
   * Whether a failed batch's error may be caused by one of its items (a data error): such a batch
   * is split in halves down to single items, so only the items at fault are refused. Any other
   * error fails the whole batch.
   */
  isolate?: (error: unknown) => boolean;
  /** What the caller of a single item isolated as at fault receives (default: the writer's error). */
  refuse?: (item: T, error: unknown) => unknown;
  /** Called after every write, for metrics. */
  onBatch?: (report: BatchReport) => void;
}

/** Checks the options up front: a zero would make a commit that never writes. */
export function checkGroupCommitOptions<T>(o: GroupCommitOptions<T>): void {
  const ok =
    Number.isInteger(o.maxBatch) &&
    o.maxBatch >= 1 &&
    Number.isInteger(o.maxInFlight) &&
    o.maxInFlight >= 1 &&
    (o.flushIntervalMs ?? 0) >= 0 &&
    (o.maxBatchBytes === undefined || (o.maxBatchBytes > 0 && o.sizeOf !== undefined));
  if (!ok) {
    const shown = { maxBatch: o.maxBatch, maxInFlight: o.maxInFlight, flushIntervalMs: o.flushIntervalMs, maxBatchBytes: o.maxBatchBytes, sizeOf: !!o.sizeOf };
    throw new Error(
      `GroupCommit ${o.name}: maxBatch and maxInFlight must be at least 1, flushIntervalMs not negative, maxBatchBytes positive with a sizeOf (got ${JSON.stringify(shown)})`,
    );
  }
}
