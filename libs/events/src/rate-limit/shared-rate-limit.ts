import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';

/** The table of {@link CreateRateLimits1764900000000}. */
export const RATE_LIMITS_TABLE = 'mesh_rate_limits';

/**
 * One shared limit: its key space, allowance and window.
 * @example
 * sharedRateLimiter(dataSource, { keyPrefix: 'ingest', points: 600, durationSeconds: 60 })
 */
export interface SharedRateLimitOptions {
  /** Keeps one use's keys apart from another's in the shared table, e.g. `ingest`. */
  keyPrefix: string;
  /** Allowance per window. */
  points: number;
  /** Window length in seconds: the allowance is whole again when a key's window ends. */
  durationSeconds: number;
}

/**
 * A fixed-window limit whose counters live in PostgreSQL (`mesh_rate_limits`), so every replica
 * on the database spends the same allowance. Uses the app's TypeORM pool.
 * @example
 * const limiter = sharedRateLimiter(dataSource, { keyPrefix: 'ingest', points: 600, durationSeconds: 60 });
 * const taken = await takeAll(limiter, keyDigest, 50);
 */
export function sharedRateLimiter(dataSource: DataSource, options: SharedRateLimitOptions): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: dataSource,
    storeType: 'typeorm',
    tableName: RATE_LIMITS_TABLE,
    tableCreated: true,
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
  });
}

export type TakeAllResult = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Takes `count` points or none: a refused request gives its points back, so only what was let
 * through counts. (Should the window end between the two statements, the give-back lands in the
 * next window and raises its allowance by at most `count`.)
 * @example if (!(await takeAll(limiter, key, events.length)).ok) answer429();
 */
export async function takeAll(limiter: RateLimiterAbstract, key: string, count: number): Promise<TakeAllResult> {
  try {
    await limiter.consume(key, count);
    return { ok: true };
  } catch (refused) {
    if (!(refused instanceof RateLimiterRes)) throw refused;
    await limiter.reward(key, count);
    return { ok: false, retryAfterMs: refused.msBeforeNext };
  }
}

export interface TakeUpToResult {
  /** Points granted, from 0 to the count asked for. */
  granted: number;
  /** Milliseconds until the key's window ends (and, when nothing was granted, the next point is there). */
  windowEndsInMs: number;
}

/**
 * Takes as many of `count` points as the window has left. The counter is incremented atomically,
 * so each caller's share below the limit is its own; the part above it is simply spent (the
 * window is full either way).
 * @example const { granted } = await takeUpTo(limiter, subscriptionId, 10);
 */
export async function takeUpTo(limiter: RateLimiterAbstract, key: string, count: number): Promise<TakeUpToResult> {
  let res: RateLimiterRes;
  try {
    res = await limiter.consume(key, count);
  } catch (refused) {
    if (!(refused instanceof RateLimiterRes)) throw refused;
    res = refused;
  }
  const before = res.consumedPoints - count;
  return { granted: Math.max(0, Math.min(count, limiter.points - before)), windowEndsInMs: res.msBeforeNext };
}
