import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, registerDecorator } from 'class-validator';
import { toBool, validateEnv } from '@app/events';

const DEFAULTS = { maxBodyBytes: 1024 * 1024, maxBatch: 500, ratePerMinute: 600, clientKeyRatePerMinute: 600, clientIpRatePerMinute: 120 };

/** A decimal integer as a number, empty or unset as `fallback`; anything else stays as given, for the error to show. */
const toInt =
  (fallback: number) =>
  ({ value }: { value: unknown }): unknown => {
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) return fallback;
    return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  };

/** One message per variable: a whole number in [min, max]. */
const IsWholeNumber =
  (min: number, max: number): PropertyDecorator =>
  (target, property) =>
    registerDecorator({
      name: 'isWholeNumber',
      target: target.constructor,
      propertyName: property as string,
      options: { message: `$property must be a whole number from ${min} to ${max}` },
      validator: { validate: (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max },
    });

/** The HTTP ingest's limits, validated at start-up; a bad value stops the app naming the variable. */
export class IngestEnv {
  /** Largest request body, in bytes, the JSON parser accepts (the 413 names it; see configure-app.ts). */
  @Transform(toInt(DEFAULTS.maxBodyBytes)) @IsWholeNumber(1024, 64 * 1024 * 1024)
  INGEST_MAX_BODY_BYTES = DEFAULTS.maxBodyBytes;

  /** Most events in one `POST /events/batch`. */
  @Transform(toInt(DEFAULTS.maxBatch)) @IsWholeNumber(1, 100_000)
  INGEST_MAX_BATCH = DEFAULTS.maxBatch;

  /** Events per minute per API key: a token bucket, so bursts up to this many, refilled evenly. */
  @Transform(toInt(DEFAULTS.ratePerMinute)) @IsWholeNumber(1, 10_000_000)
  INGEST_RATE_LIMIT_PER_MINUTE = DEFAULTS.ratePerMinute;

  /** Browser events per minute per public client key, all its pages together. */
  @Transform(toInt(DEFAULTS.clientKeyRatePerMinute)) @IsWholeNumber(1, 10_000_000)
  CLIENT_INGEST_RATE_LIMIT_PER_MINUTE = DEFAULTS.clientKeyRatePerMinute;

  /** Browser events per minute per client IP address, whatever key it uses: one page cannot spend a key's whole allowance. */
  @Transform(toInt(DEFAULTS.clientIpRatePerMinute)) @IsWholeNumber(1, 10_000_000)
  CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE = DEFAULTS.clientIpRatePerMinute;

  /** Off: `POST /events/client` refuses every browser event (403 naming the switch), so pages drop them. */
  @IsOptional() @Transform(toBool) @IsBoolean()
  ENABLE_CLIENT_LOGGING = true;
}

export interface IngestLimits {
  maxBodyBytes: number;
  maxBatch: number;
  ratePerMinute: number;
  clientKeyRatePerMinute: number;
  clientIpRatePerMinute: number;
  /** ENABLE_CLIENT_LOGGING (ENABLE_EVENT_LOGGING, the master switch, is checked beside it). */
  clientLogging: boolean;
}

export const ingestLimitsFromEnv = (env: IngestEnv): IngestLimits => ({
  maxBodyBytes: env.INGEST_MAX_BODY_BYTES,
  maxBatch: env.INGEST_MAX_BATCH,
  ratePerMinute: env.INGEST_RATE_LIMIT_PER_MINUTE,
  clientKeyRatePerMinute: env.CLIENT_INGEST_RATE_LIMIT_PER_MINUTE,
  clientIpRatePerMinute: env.CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE,
  clientLogging: env.ENABLE_CLIENT_LOGGING,
});

/** The validated limits as a @nestjs/config namespace; inject with `@Inject(ingestEnv.KEY)`. */
export const ingestEnv = registerAs('event-store-ingest', () => ingestLimitsFromEnv(validateEnv(IngestEnv)({ ...process.env })));
