import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import type { EventFilter } from '../../matching/event-filter.js';
import type { OAuth2Credentials } from '../../oauth2/oauth2-credentials.js';
import type { BatchConfig } from '../../batch/batch-config.js';
import { ORDERING_KEY_PATH, ORDERINGS, type Ordering } from '../../delivery/ordering-key.js';
import { IsEventFilter, IsEventPatternList, IsHeaderMap, IsBatchConfig, IsOAuth2Credentials, TIMEOUT_MS } from './subscription-validators.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Absent is "leave it"; null is refused for a required field. */
const ifPresent = ValidateIf((_dto: object, value: unknown) => value !== undefined);

export const SUBSCRIPTION_FIELDS = ['name', 'url', 'eventTypes', 'filter', 'active', 'timeoutMs', 'maxAttempts', 'rateLimitPerSecond', 'headers', 'description', 'oauth2', 'ordering', 'orderingKey', 'batch'] as const;

/**
 * Body of `PATCH /webhooks/subscriptions/:id`: the fields to change, at least one. Null clears
 * `filter`, `rateLimitPerSecond`, `description` and `oauth2` (an `oauth2.clientSecret` of
 * `<redacted>` keeps the stored secret). Setting `active: true` on a disabled
 * subscription re-enables it, resets its failure count and sends the deliveries that waited
 * (oldest first), unless `dropWaiting: true`.
 */
export class UpdateSubscriptionDto {
  @ifPresent @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ifPresent @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2048)
  url?: string;

  @ifPresent @IsEventPatternList()
  eventTypes?: string[];

  @IsOptional() @IsEventFilter()
  filter?: EventFilter | null;

  @ifPresent @IsBoolean()
  active?: boolean;

  @ifPresent @IsInt() @Min(TIMEOUT_MS.min) @Max(TIMEOUT_MS.max)
  timeoutMs?: number;

  @ifPresent @IsInt() @Min(1) @Max(100)
  maxAttempts?: number;

  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  rateLimitPerSecond?: number | null;

  @ifPresent @IsHeaderMap()
  headers?: Record<string, string>;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string | null;

  @IsOptional() @IsOAuth2Credentials()
  oauth2?: OAuth2Credentials | null;

  /** `fifo`: each delivery waits for the previous one of its key (succeeded or given up); `none` (default): parallel. */
  @ifPresent @IsIn(ORDERINGS, { message: 'ordering must be "none" or "fifo"' })
  ordering?: Ordering;

  /** With fifo: a dot path into the envelope (`subject`, `data.orderId`) whose value keys the order; null: one order. */
  @IsOptional() @Matches(ORDERING_KEY_PATH, { message: 'orderingKey must be a dot path into the event such as "subject" or "data.orderId"' })
  orderingKey?: string | null;

  /** Batches: one signed request carries up to `maxEvents` events as a JSON array (after `maxWaitMs` at most); null: one event per request. */
  @IsOptional() @IsBatchConfig()
  batch?: Partial<BatchConfig> | null;

  /**
   * With `active: true` on a disabled subscription: drop (mark `failed`) the deliveries that
   * waited while it was disabled instead of sending them. Not a field of the subscription.
   */
  @ifPresent @IsBoolean()
  dropWaiting?: boolean;

  /** The message of a `dropWaiting` that has nothing to apply to, or undefined. */
  static dropWaitingMessage(dto: UpdateSubscriptionDto): string | undefined {
    return dto.dropWaiting !== undefined && dto.active !== true ? 'dropWaiting applies only with active: true (re-enabling a disabled subscription)' : undefined;
  }

  /** The message of a PATCH with nothing to change, or undefined when the body names a field. */
  static emptyBodyMessage(dto: UpdateSubscriptionDto): string | undefined {
    return SUBSCRIPTION_FIELDS.some((f) => dto[f] !== undefined) ? undefined : `the body must set at least one of: ${SUBSCRIPTION_FIELDS.join(', ')}`;
  }
}
