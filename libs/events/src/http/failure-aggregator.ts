/** What the aggregator reports for one source: the first failure at once, then one summary per window. */
export interface FailureReport<D> {
  source: string;
  /** Failures in this report: 1 for the first, then how many came during the window. */
  count: number;
  windowStart: string;
  windowEnd?: string;
  /** The details of the latest failure counted. */
  details: D;
}

interface Window<D> {
  start: number;
  count: number;
  details: D;
  timer: NodeJS.Timeout;
}

export interface FailureAggregatorOptions {
  windowMs?: number;
  /** Sources tracked at once; past it new sources share one window (`other`), so memory stays bounded. */
  maxSources?: number;
}

/**
 * Turns failures of unauthenticated callers (forged callback signatures) into at most one report
 * per source per window: the first at once (count 1), then one with the count of the window's
 * failures at its end, for as long as they go on. An unauthenticated caller can then no longer
 * write to the event history as fast as it can send.
 * @example const agg = new FailureAggregator((r) => events.warn('x.failure', r)); agg.record(req.ip, {...});
 */
export class FailureAggregator<D> {
  /** A report as an event's data: the latest failure's details with `count`, `window_start` and `window_end` (null for the first). */
  static eventData<D>(r: FailureReport<D>): Record<string, unknown> {
    return { ...r.details, count: r.count, window_start: r.windowStart, window_end: r.windowEnd ?? null };
  }

  private readonly windows = new Map<string, Window<D>>();
  private readonly windowMs: number;
  private readonly maxSources: number;

  constructor(
    private readonly report: (report: FailureReport<D>) => void,
    options: FailureAggregatorOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxSources = options.maxSources ?? 10_000;
  }

  record(source: string, details: D): void {
    const key = this.windows.has(source) || this.windows.size < this.maxSources ? source : 'other';
    const open = this.windows.get(key);
    if (open) {
      open.count++;
      open.details = details;
      return;
    }
    const start = Date.now();
    this.report({ source: key, count: 1, windowStart: new Date(start).toISOString(), details });
    this.open(key, details);
  }

  /** Reports what the open windows counted and forgets them (on shutdown). */
  flush(): void {
    for (const key of [...this.windows.keys()]) this.close(key, false);
  }

  private open(key: string, details: D): void {
    const timer = setTimeout(() => this.close(key, true), this.windowMs);
    timer.unref();
    this.windows.set(key, { start: Date.now(), count: 0, details, timer });
  }

  private close(key: string, reopen: boolean): void {
    const window = this.windows.get(key);
    if (!window) return;
    clearTimeout(window.timer);
    this.windows.delete(key);
    if (window.count === 0) return;
    const end = Date.now();
    this.report({ source: key, count: window.count, windowStart: new Date(window.start).toISOString(), windowEnd: new Date(end).toISOString(), details: window.details });
    // Failures still coming: the next window counts them too, so the source stays at one report per window.
    if (reopen) this.open(key, window.details);
  }
}
