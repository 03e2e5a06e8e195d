import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { parseDuration, parseDurationList, toBool, toInt, validateEnv, validationRule as rule } from '@app/events';

const IsSchedule = rule(
  'isRetrySchedule',
  (v) => typeof v === 'string' && (parseDurationList(v)?.every((ms) => ms >= 10) ?? false),
  '$property must be a comma-separated list of delays of at least 10ms, such as 1m,5m,15m,1h,6h',
);
const probeOff = (v: unknown) => v === '' || String(v).toLowerCase() === 'off';
const IsProbeSchedule = rule(
  'isProbeSchedule',
  (v) => probeOff(v) || (typeof v === 'string' && (parseDurationList(v)?.every((ms) => ms >= 10) ?? false)),
  '$property must be off or a comma-separated list of delays of at least 10ms between probes, such as 1h,6h,24h',
);
const IsDuration = rule('isDuration', (v) => typeof v === 'string' && parseDuration(v) !== undefined, '$property must be a duration such as 500ms, 30s, 24h');

const production = () => process.env.NODE_ENV === 'production';

/**
 * The webhook-dispatcher's own environment (the shared one is `EventsEnv`). Validated at start-up
 * with {@link validateEnv}: a bad value stops the app naming the variable and the fix.
 */
export class WebhookEnv {
  /** Delay before retry n after a failed attempt (the last one repeats), before jitter. */
  @IsOptional() @IsSchedule() WEBHOOK_RETRY_SCHEDULE = '1m,5m,15m,1h,6h';
  /** Consecutive failed attempts after which a subscription is disabled. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000) WEBHOOK_DISABLE_AFTER = 10;
  /** Attempts per delivery when a subscription does not set `maxAttempts`: the first plus one per scheduled retry. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) WEBHOOK_MAX_ATTEMPTS?: number;
  /** Allow urls that resolve to loopback, private, link-local or metadata addresses (dev and tests only). */
  @IsOptional() @Transform(toBool) @IsBoolean() WEBHOOK_ALLOW_PRIVATE = !production();
  /** Allow plain-http urls; in production (NODE_ENV=production) only https is accepted unless this is true. */
  @IsOptional() @Transform(toBool) @IsBoolean() WEBHOOK_ALLOW_HTTP = !production();
  /** Requests in flight at once in this instance, over all endpoints. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000) WEBHOOK_CONCURRENCY = 256;
  /** Requests in flight at once to one subscription's endpoint in this instance. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000) WEBHOOK_ENDPOINT_CONCURRENCY = 16;
  /**
   * Deliveries per endpoint sent whose outcome is not committed yet (what a kill -9 sends again):
   * the open requests plus 2xx answers awaiting their group commit. Default: twice WEBHOOK_ENDPOINT_CONCURRENCY.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000) WEBHOOK_CRASH_WINDOW?: number;
  /** How long the previous secret still signs after a rotation, unless the rotation names its own grace. */
  @IsOptional() @IsDuration() WEBHOOK_SECRET_GRACE = '24h';
  /** How often due deliveries are looked for when nothing woke the workers. */
  @IsOptional() @IsDuration() WEBHOOK_POLL_INTERVAL = '1s';
  /** Added to a subscription's timeout to make the lease of a claimed delivery; a crashed worker's deliveries come back after it. */
  @IsOptional() @IsDuration() WEBHOOK_LEASE_MARGIN = '30s';
  /** Delivered and failed deliveries (with their attempt log) older than this many days are deleted; 0 keeps them. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(36_500) WEBHOOK_RETENTION_DAYS = 30;
  /** How often retention runs (also shortly after start-up). */
  @IsOptional() @IsDuration() WEBHOOK_RETENTION_INTERVAL = '1h';
  /** Probe schedule of auto-disabled subscriptions (the last delay repeats), e.g. 1h,6h,24h; empty or `off` (the default) never probes. */
  @IsOptional() @IsProbeSchedule() WEBHOOK_REENABLE_PROBE = 'off';
  /** On shutdown, how long requests already sent may take to finish; still running then, they are cut off and released (not counted as attempts). */
  @IsOptional() @IsDuration() WEBHOOK_SHUTDOWN_GRACE = '20s';
  /** The event-store's query API: `POST /webhooks/test` sends the latest stored event of a type. Unset: not asked. */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) EVENT_STORE_URL?: string;
}

export interface WebhookConfig {
  retryScheduleMs: number[];
  disableAfter: number;
  defaultMaxAttempts: number;
  allowPrivate: boolean;
  allowHttp: boolean;
  concurrency: number;
  endpointConcurrency: number;
  /**
   * Sent-but-not-durable deliveries allowed per endpoint (at least `endpointConcurrency`); unset:
   * twice `endpointConcurrency`. The instance allows `concurrency` times the same ratio.
   */
  crashWindow?: number;
  secretGraceMs: number;
  pollIntervalMs: number;
  leaseMarginMs: number;
  /** 0 keeps settled deliveries for ever. */
  retentionDays: number;
  retentionIntervalMs: number;
  /** Delays between re-enable probes of an auto-disabled subscription (the last repeats); empty: no probes. */
  reenableProbeMs: number[];
  /** How long shutdown waits for requests in flight before cutting them off (and releasing their leases). */
  shutdownGraceMs: number;
  /** Bytes of a response body kept in the attempt log. */
  responseExcerptBytes: number;
  /** The event-store's base url (no trailing slash), for test payloads; unset: not asked. */
  eventStoreUrl?: string;
}

export const WEBHOOK_CONFIG = Symbol('WEBHOOK_CONFIG');

/** Reads and validates the WEBHOOK_* variables; throws listing every bad one. */
export function webhookConfigFromEnv(raw: Record<string, unknown> = process.env): WebhookConfig {
  const env = validateEnv(WebhookEnv)({ ...raw });
  const retryScheduleMs = parseDurationList(env.WEBHOOK_RETRY_SCHEDULE)!;
  const crashWindow = env.WEBHOOK_CRASH_WINDOW;
  if (crashWindow !== undefined && crashWindow < env.WEBHOOK_ENDPOINT_CONCURRENCY) {
    throw new Error(
      `WEBHOOK_CRASH_WINDOW: ${crashWindow} is below WEBHOOK_ENDPOINT_CONCURRENCY (${env.WEBHOOK_ENDPOINT_CONCURRENCY}); every open request counts in it, so set it to at least ${env.WEBHOOK_ENDPOINT_CONCURRENCY} (default twice that)`,
    );
  }
  return {
    retryScheduleMs,
    disableAfter: env.WEBHOOK_DISABLE_AFTER,
    defaultMaxAttempts: env.WEBHOOK_MAX_ATTEMPTS ?? retryScheduleMs.length + 1,
    allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
    allowHttp: env.WEBHOOK_ALLOW_HTTP,
    concurrency: env.WEBHOOK_CONCURRENCY,
    endpointConcurrency: env.WEBHOOK_ENDPOINT_CONCURRENCY,
    ...(crashWindow === undefined ? {} : { crashWindow }),
    secretGraceMs: parseDuration(env.WEBHOOK_SECRET_GRACE)!,
    pollIntervalMs: Math.max(10, parseDuration(env.WEBHOOK_POLL_INTERVAL)!),
    leaseMarginMs: parseDuration(env.WEBHOOK_LEASE_MARGIN)!,
    retentionDays: env.WEBHOOK_RETENTION_DAYS,
    retentionIntervalMs: Math.max(1_000, parseDuration(env.WEBHOOK_RETENTION_INTERVAL)!),
    shutdownGraceMs: parseDuration(env.WEBHOOK_SHUTDOWN_GRACE)!,
    reenableProbeMs: probeOff(env.WEBHOOK_REENABLE_PROBE) ? [] : parseDurationList(env.WEBHOOK_REENABLE_PROBE)!,
    responseExcerptBytes: 1024,
    ...(env.EVENT_STORE_URL ? { eventStoreUrl: env.EVENT_STORE_URL.replace(/\/+$/, '') } : {}),
  };
}
