import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { toInt, validateEnv } from '@app/events';

/** The user feed's variables, validated at start-up (a bad value stops the app naming it). */
export class FeedEnv {
  /** HMAC-SHA256 key shared with the product that issues feed tokens; the feed answers 503 without it. */
  @IsOptional() @IsString() @MinLength(32, { message: 'EVENTS_FEED_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)' })
  EVENTS_FEED_SECRET?: string;
  /** Longest lifetime a feed token may have, in seconds (from now to its `exp`). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(86_400) EVENTS_FEED_TOKEN_MAX_TTL = 900;
}

export interface FeedConfig {
  secret: string | undefined;
  maxTtlSeconds: number;
}

export const FEED_CONFIG = Symbol('FEED_CONFIG');

export function feedConfigFromEnv(raw: Record<string, unknown> = process.env): FeedConfig {
  const env = validateEnv(FeedEnv)({ ...raw });
  return { secret: env.EVENTS_FEED_SECRET || undefined, maxTtlSeconds: env.EVENTS_FEED_TOKEN_MAX_TTL };
}
