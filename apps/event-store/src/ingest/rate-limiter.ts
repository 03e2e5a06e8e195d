export type RateDecision = { ok: true } | { ok: false; available: number; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Idle buckets are full again and can be forgotten; swept when the map grows past this. */
const SWEEP_ABOVE = 10_000;

/**
 * In-memory token buckets, one per key: up to `perMinute` tokens, refilled evenly over a minute,
 * one token per event. A request takes all its tokens or none.
 * @example new TokenBucketLimiter(600).take(keyId, events.length)
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  take(key: string, count: number): RateDecision {
    const now = this.now();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= count) {
      bucket.tokens -= count;
      return { ok: true };
    }
    const available = Math.floor(bucket.tokens);
    return { ok: false, available, retryAfterSeconds: Math.max(1, Math.ceil((count - bucket.tokens) / this.perMs / 1000)) };
  }

  private refilled(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= SWEEP_ABOVE) this.sweep(now);
      bucket = { tokens: this.perMinute, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket;
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
  }
}
