/**
 * How many events one live tail sends per second; the rest are counted, not sent. A tail is for
 * watching: past a few hundred a second nobody reads them, and the browser should not drown.
 */
export const LIVE_MAX_PER_SECOND = 200;

/** Per-second budget for one stream: `take()` says whether this event may go out, `drain()` how many were held back since last asked. */
export class LiveRate {
  private windowStart = 0;
  private sent = 0;
  private skipped = 0;

  constructor(
    private readonly perSecond = LIVE_MAX_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {}

  take(): boolean {
    const t = this.now();
    if (t - this.windowStart >= 1_000) {
      this.windowStart = t;
      this.sent = 0;
    }
    if (this.sent < this.perSecond) {
      this.sent++;
      return true;
    }
    this.skipped++;
    return false;
  }

  drain(): number {
    const n = this.skipped;
    this.skipped = 0;
    return n;
  }
}
