/**
 * A per-second rate limit with a burst of one second's worth: `take` spends tokens, `available`
 * says how many can be spent now, `msUntilNext` when the next one arrives.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private perSecond: number,
    now = Date.now(),
  ) {
    this.tokens = perSecond;
    this.refilledAt = now;
  }

  /** A changed limit applies from now on. */
  setRate(perSecond: number): void {
    if (perSecond === this.perSecond) return;
    this.perSecond = perSecond;
    this.tokens = Math.min(this.tokens, perSecond);
  }

  available(now = Date.now()): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  take(n: number, now = Date.now()): void {
    this.refill(now);
    this.tokens -= n;
  }

  msUntilNext(now = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
  }
}
