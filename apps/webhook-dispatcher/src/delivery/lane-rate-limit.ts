import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { sharedRateLimiter, takeUpTo } from '@app/events';

type LimiterFor = (perSecond: number) => RateLimiterAbstract;

/**
 * A subscription's `rateLimitPerSecond` in one instance: one-second windows counted in
 * PostgreSQL, so the limit holds across every replica. Tokens are taken from the shared window
 * ahead of the sends (`reserve`, before a claim) and spent locally (`available`, `take`); those
 * not spent lapse when their window ends, so no instance carries them into the next one.
 */
export class LaneRateLimit {
  private held = 0;
  private heldUntil = 0;
  private windowEndsAt = 0;

  constructor(
    private readonly subscriptionId: string,
    private perSecond: number,
    private readonly limiterFor: LimiterFor,
  ) {}

  /** A changed limit applies from now on. */
  setRate(perSecond: number): void {
    if (perSecond === this.perSecond) return;
    this.perSecond = perSecond;
    this.held = Math.min(this.held, perSecond);
  }

  /** Tops the tokens held up to `want` (at most a window's worth) from the shared window; answers how many are held. */
  async reserve(want: number): Promise<number> {
    this.lapse();
    const missing = Math.min(want, this.perSecond) - this.held;
    if (missing <= 0) return this.held;
    const { granted, windowEndsInMs } = await takeUpTo(this.limiterFor(this.perSecond), this.subscriptionId, missing);
    this.windowEndsAt = Date.now() + windowEndsInMs;
    // Tokens held from a window that ended during the round trip must not ride on the new one's end.
    this.lapse();
    if (granted > 0) {
      this.held += granted;
      this.heldUntil = this.windowEndsAt;
    }
    return this.held;
  }

  available(): number {
    this.lapse();
    return this.held;
  }

  take(n: number): void {
    this.held -= n;
  }

  /** When the next token may be there: the shared window's end, or a token's interval once that has passed. */
  msUntilNext(): number {
    const left = this.windowEndsAt - Date.now();
    return left > 0 ? left : Math.ceil(1000 / this.perSecond);
  }

  private lapse(): void {
    if (this.held > 0 && Date.now() >= this.heldUntil) this.held = 0;
  }
}

/** Makes the lanes' limits, all on the app's pool and one `mesh_rate_limits` table (keys `webhook:<subscription id>`). */
@Injectable()
export class LaneRateLimits {
  /** One limiter per rate in use: the allowance is a limiter's setting, the counter is the subscription's key. */
  private readonly limiters = new Map<number, RateLimiterAbstract>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  for(subscriptionId: string, perSecond: number): LaneRateLimit {
    return new LaneRateLimit(subscriptionId, perSecond, (rate) => this.limiter(rate));
  }

  private limiter(perSecond: number): RateLimiterAbstract {
    let limiter = this.limiters.get(perSecond);
    if (!limiter) {
      limiter = sharedRateLimiter(this.dataSource, { keyPrefix: 'webhook', points: perSecond, durationSeconds: 1 });
      this.limiters.set(perSecond, limiter);
    }
    return limiter;
  }
}
