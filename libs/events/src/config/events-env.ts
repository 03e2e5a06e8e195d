import { registerAs } from '@nestjs/config';
import { Transform, plainToInstance } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, validateSync, ValidationError } from 'class-validator';
import { DEFAULT_EVENT_MAX_BYTES } from '../envelope/event-size.js';
import { IsDuration, IsDurationList, IsNatsUrlList, IsPostgresUrl } from './env-validators.js';
import { toBool, toInt } from './env-transforms.js';


/**
 * The environment every mesh app shares (see DESIGN.md "Configuration").
 * Apps extend it with their own variables and pass the subclass to {@link validateEnv}.
 */
export class EventsEnv {
  @IsOptional() @IsNatsUrlList() NATS_URL = 'nats://127.0.0.1:4222';
  @IsOptional() @IsString() NATS_CREDS?: string;
  @IsOptional() @IsString() NATS_USER?: string;
  @IsOptional() @IsString() NATS_PASSWORD?: string;
  @IsOptional() @IsPostgresUrl() DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/mesh';
  @IsOptional() @Transform(toInt) @IsIn([1, 3, 5], { message: 'must be 1, 3 or 5 (replicas of the JetStream streams)' })
  EVENTS_STREAM_REPLICAS = 1;
  @IsOptional() @IsDuration() EVENTS_MAX_AGE = '7d';
  /** Largest serialised event; under nats-server's max_payload (1 MiB by default) with room for headers. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(1_000_000) EVENT_MAX_BYTES = DEFAULT_EVENT_MAX_BYTES;
  /** How long a publish keeps retrying through a leader election or a reconnect before it goes to the outbox. */
  @IsOptional() @IsDuration() EVENTS_PUBLISH_RETRY_WINDOW = '15s';
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) CONSUMER_MAX_DELIVER = 5;
  @IsOptional() @IsDurationList() CONSUMER_BACKOFF = '1s,5s,30s,2m';
  @IsOptional() @IsDuration() CONSUMER_ACK_WAIT = '30s';
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10000) CONSUMER_CONCURRENCY = 64;
  @IsOptional() @IsString() ADMIN_API_KEY?: string;
  /** The master switch of every logging source: system events, request events (ENABLE_SERVER_LOGGING), browser ingest (ENABLE_CLIENT_LOGGING). */
  @IsOptional() @Transform(toBool) @IsBoolean() ENABLE_EVENT_LOGGING = true;
  /** The level helpers' system events (`info/warn/error(type, …)`); business events are never switched off. */
  @IsOptional() @Transform(toBool) @IsBoolean() ENABLE_SYSTEM_LOGGING = true;
  @IsOptional() @IsIn(['debug', 'info', 'warn', 'error']) LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  /** How often lag, DLQ depth and outbox depth gauges are read for /metrics. */
  @IsOptional() @IsDuration() METRICS_REFRESH_INTERVAL = '15s';
  /** OTLP/HTTP collector base URL; tracing is off (no spans made) without it. Read at start by main.ts. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** `json` lines, or `pretty` for a person; pretty by default on a terminal. Read at start by main.ts. */
  @IsOptional() @IsIn(['json', 'pretty']) LOG_FORMAT?: 'json' | 'pretty';
}

const SECRET = /PASSWORD|KEY|SECRET|TOKEN|CREDS|DATABASE_URL/;

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    // Secrets are never echoed, even mistyped ones.
    const shown = SECRET.test(e.property) ? '<hidden>' : JSON.stringify(e.value);
    const got = e.value === undefined ? '' : ` (got ${shown})`;
    return Object.values(e.constraints ?? {}).map((msg) => `  - ${e.property}: ${msg.replace(`${e.property} `, '')}${got}`);
  });
}

/**
 * Builds a `validate` function for `ConfigModule.forRoot` that checks the environment against
 * `envClass` and fails start-up listing every bad variable.
 * @example ConfigModule.forRoot({ isGlobal: true, validate: validateEnv(VendorServiceEnv) })
 */
export function validateEnv<T extends object>(envClass: new () => T) {
  return (raw: Record<string, unknown>): T => {
    // An empty variable (`FOO=` in compose or .env) means unset: the default applies.
    const set = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
    const env = plainToInstance(envClass, set, { exposeDefaultValues: true });
    const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
    if (errors.length > 0) {
      throw new Error(`Invalid configuration, fix these environment variables:\n${describe(errors).join('\n')}`);
    }
    return env;
  };
}

/**
 * The validated mesh environment as a @nestjs/config namespace. Read when the app's modules are
 * built, so a bad variable stops start-up with its name and the fix.
 */
export const eventsEnv = registerAs('mesh-events', () => validateEnv(EventsEnv)({ ...process.env }));
