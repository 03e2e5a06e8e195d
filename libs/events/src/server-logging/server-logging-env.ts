import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { toBool, toInt } from '../config/env-transforms.js';
import { validateEnv } from '../config/events-env.js';
import { parseDuration } from '../config/duration.js';
import { IsDuration } from '../config/env-validators.js';

const toNumber = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value);

/** The request logger's switches, validated at start-up. */
export class ServerLoggingEnv {
  /** Off by default: an app publishes its request events only when asked to. */
  @IsOptional() @Transform(toBool) @IsBoolean() ENABLE_SERVER_LOGGING = false;
  /** Share of successful, fast requests published (0 to 1); failures and slow requests always are. */
  @IsOptional() @Transform(toNumber) @IsNumber({}, { message: '$property must be a number from 0 to 1, e.g. 0.1' }) @Min(0) @Max(1) SERVER_LOGGING_SAMPLE_RATE = 1;
  /** A request taking at least this many milliseconds is published as `http.request_slow`. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3_600_000) SERVER_LOGGING_SLOW_MS = 1000;
  /** Refused API-key attempts are published per source address and route at most once per this window, with the count. */
  @IsOptional() @IsDuration() SERVER_LOGGING_AUTH_WINDOW = '1m';
}

/**
 * How the request logger runs.
 * @example const options: ServerLoggingOptions = { enabled: true, sampleRate: 0.1, slowMs: 500 };
 */
export interface ServerLoggingOptions {
  enabled: boolean;
  sampleRate: number;
  slowMs: number;
  /** Window of the aggregated `http.auth_failed` events (SERVER_LOGGING_AUTH_WINDOW); one minute when absent. */
  authWindowMs?: number;
}

export function serverLoggingFromEnv(env: NodeJS.ProcessEnv = process.env): ServerLoggingOptions {
  const v = validateEnv(ServerLoggingEnv)({ ...env });
  return { enabled: v.ENABLE_SERVER_LOGGING, sampleRate: v.SERVER_LOGGING_SAMPLE_RATE, slowMs: v.SERVER_LOGGING_SLOW_MS, authWindowMs: parseDuration(v.SERVER_LOGGING_AUTH_WINDOW)! };
}
