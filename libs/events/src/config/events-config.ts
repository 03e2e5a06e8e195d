import { parseDuration, parseDurationList } from './duration.js';
import { EventsEnv } from './events-env.js';
import type { EventLevel } from '../envelope/cloud-event.js';

/**
 * The resolved, typed configuration of the event path of one app.
 * @example constructor(@Inject(EVENTS_CONFIG) private readonly config: EventsConfig) {}
 */
export interface EventsConfig {
  /** Publishing service name: the envelope's `source`, metric label and health `service`. */
  service: string;
  /** Durable consumer name of this app (`event-store`, …); absent for producer-only apps. */
  consumer?: string;
  natsServers: string[];
  natsCreds?: string;
  natsUser?: string;
  natsPassword?: string;
  databaseUrl: string;
  streamReplicas: number;
  eventsMaxAgeMs: number;
  /** Largest serialised event producers send and consumers accept (`EVENT_MAX_BYTES`). */
  eventMaxBytes: number;
  maxDeliver: number;
  backoffMs: number[];
  /** How long a delivery may go unacknowledged before the server redelivers it (handlers extend it while running). */
  ackWaitMs: number;
  concurrency: number;
  /** ENABLE_EVENT_LOGGING: off silences every logging source (system, server, client). */
  enableEventLogging: boolean;
  /** ENABLE_SYSTEM_LOGGING: off skips the level helpers' system events. */
  enableSystemLogging: boolean;
  /** Key that admin routes require in `X-Api-Key`; unset means admin routes are refused. */
  adminApiKey?: string;
  logLevel: EventLevel;
  /** How long the relay and publisher wait for a PubAck before treating JetStream as unavailable. */
  publishTimeoutMs: number;
  /**
   * How long a publish that timed out, found no responders or lost its connection keeps retrying
   * (same `Nats-Msg-Id`) before the outbox takes it: a stream leader election after a node loss
   * took 6–8 s on nats-server 2.9.10 (docs/clustering.md).
   */
  publishRetryWindowMs: number;
  /** Period of the lag, DLQ depth and outbox depth gauges' refresh. */
  metricsRefreshMs: number;
}

export function eventsConfigFromEnv(env: EventsEnv, base: Pick<EventsConfig, 'service' | 'consumer'>): EventsConfig {
  return {
    ...base,
    natsServers: env.NATS_URL.split(',').map((s) => s.trim()),
    natsCreds: env.NATS_CREDS,
    natsUser: env.NATS_USER,
    natsPassword: env.NATS_PASSWORD,
    databaseUrl: env.DATABASE_URL,
    streamReplicas: env.EVENTS_STREAM_REPLICAS,
    eventsMaxAgeMs: parseDuration(env.EVENTS_MAX_AGE)!,
    eventMaxBytes: env.EVENT_MAX_BYTES,
    maxDeliver: env.CONSUMER_MAX_DELIVER,
    backoffMs: parseDurationList(env.CONSUMER_BACKOFF)!,
    ackWaitMs: parseDuration(env.CONSUMER_ACK_WAIT)!,
    concurrency: env.CONSUMER_CONCURRENCY,
    enableEventLogging: env.ENABLE_EVENT_LOGGING,
    enableSystemLogging: env.ENABLE_SYSTEM_LOGGING,
    adminApiKey: env.ADMIN_API_KEY || undefined,
    logLevel: env.LOG_LEVEL,
    publishTimeoutMs: 5_000,
    publishRetryWindowMs: parseDuration(env.EVENTS_PUBLISH_RETRY_WINDOW)!,
    metricsRefreshMs: parseDuration(env.METRICS_REFRESH_INTERVAL)!,
  };
}
