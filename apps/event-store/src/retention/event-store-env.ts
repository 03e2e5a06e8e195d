import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';
import { parseDuration, toInt, validateEnv } from '@app/events';

/** The shortest retention interval accepted: anything shorter would only load the database. */
export const MIN_RETENTION_INTERVAL_MS = 1_000;

function IsRetentionInterval(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRetentionInterval',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a duration of at least 1s, such as 30m, 1h, 1d', ...options },
      validator: {
        validate: (v: unknown) => typeof v === 'string' && (parseDuration(v) ?? 0) >= MIN_RETENTION_INTERVAL_MS,
      },
    });
}

/**
 * The event-store's own environment variables (the shared ones are `EventsEnv`, validated by
 * EventsModule). Validated at start-up with {@link validateEnv}: a bad value stops the app naming it.
 */
export class EventStoreEnv {
  /** Events whose `time` is older than this many days move to `events_archive`; 0 keeps everything. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(36_500) EVENT_RETENTION_DAYS = 30;
  /** Archived events are dropped this many days after retention archived them; 0 keeps the archive for ever. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(36_500) EVENT_ARCHIVE_DAYS = 30;
  /** `audit.*` events are kept this many days (in `audit_events` once their archived week is dropped); 0 keeps them for ever. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(36_500) AUDIT_RETENTION_DAYS = 365;
  /** How often retention runs (it also runs shortly after start-up). */
  @IsOptional() @IsRetentionInterval() EVENT_RETENTION_INTERVAL = '1h';
}

export interface RetentionConfig {
  /** 0 disables retention. */
  days: number;
  /** Days an archived event is kept (after `days`); 0 keeps the archive for ever. */
  archiveDays: number;
  /** Days an `audit.*` event is kept, in the archive and then in `audit_events`; 0 keeps them for ever. */
  auditDays: number;
  intervalMs: number;
  /** Delay of the first run after start-up. */
  startDelayMs: number;
  /** Stray rows (from `events_default`) moved per transaction. */
  batchSize: number;
}

export const RETENTION_CONFIG = Symbol('RETENTION_CONFIG');

/** Reads and validates the retention variables; throws listing every bad one. */
export function retentionConfigFromEnv(raw: Record<string, unknown> = process.env): RetentionConfig {
  const env = validateEnv(EventStoreEnv)({ ...raw });
  return {
    days: env.EVENT_RETENTION_DAYS,
    archiveDays: env.EVENT_ARCHIVE_DAYS,
    auditDays: env.AUDIT_RETENTION_DAYS,
    intervalMs: parseDuration(env.EVENT_RETENTION_INTERVAL)!,
    startDelayMs: 10_000,
    batchSize: 5_000,
  };
}
