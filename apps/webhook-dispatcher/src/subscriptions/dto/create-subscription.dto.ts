import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { EventFilter } from '../../matching/event-filter.js';
import type { OAuth2Credentials } from '../../oauth2/oauth2-credentials.js';
import type { BatchConfig } from '../../batch/batch-config.js';
import { ORDERING_KEY_PATH, ORDERINGS, type Ordering } from '../../delivery/ordering-key.js';
import { IsEventFilter, IsEventPatternList, IsHeaderMap, IsBatchConfig, IsOAuth2Credentials, TIMEOUT_MS } from './subscription-validators.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Body of `POST /webhooks/subscriptions`. */
export class CreateSubscriptionDto {
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  /** https in production; checked against SSRF when saved (and at every connection). */
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2048)
  url!: string;

  @IsEventPatternList()
  eventTypes!: string[];

  @IsOptional() @IsEventFilter()
  filter?: EventFilter | null;

  @IsOptional() @IsBoolean()
  active?: boolean;

  @IsOptional() @IsInt() @Min(TIMEOUT_MS.min) @Max(TIMEOUT_MS.max)
  timeoutMs?: number;

  /** Attempts per delivery, the first included; WEBHOOK_MAX_ATTEMPTS (schedule length + 1) by default. */
  @IsOptional() @IsInt() @Min(1) @Max(100)
  maxAttempts?: number;

  /** Most requests per second to this endpoint (per dispatcher instance); unlimited when absent or null. */
  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  rateLimitPerSecond?: number | null;

  @IsOptional() @IsHeaderMap()
  headers?: Record<string, string>;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string | null;

  /** OAuth2 client credentials: every request carries a bearer token of the client-credentials grant. */
  @IsOptional() @IsOAuth2Credentials()
  oauth2?: OAuth2Credentials | null;

  /** `fifo`: each delivery waits for the previous one of its key (succeeded or given up); `none` (default): parallel. */
  @IsOptional() @IsIn(ORDERINGS, { message: 'ordering must be "none" or "fifo"' })
  ordering?: Ordering;

  /** With fifo: a dot path into the envelope (`subject`, `data.orderId`) whose value keys the order; null: one order. */
  @IsOptional() @Matches(ORDERING_KEY_PATH, { message: 'orderingKey must be a dot path into the event such as "subject" or "data.orderId"' })
  orderingKey?: string | null;

  /** Batches: one signed request carries up to `maxEvents` events as a JSON array (after `maxWaitMs` at most); null: one event per request. */
  @IsOptional() @IsBatchConfig()
  batch?: Partial<BatchConfig> | null;
}
