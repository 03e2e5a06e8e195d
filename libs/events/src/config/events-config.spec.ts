import { eventsConfigFromEnv } from './events-config.js';
import { EventsEnv, validateEnv } from './events-env.js';

describe(eventsConfigFromEnv.name, () => {
  it('resolves the defaults into a typed configuration', () => {
    const config = eventsConfigFromEnv(validateEnv(EventsEnv)({}), { service: 'vendor-service' });
    expect(config).toEqual({
      service: 'vendor-service',
      natsServers: ['nats://127.0.0.1:4222'],
      natsCreds: undefined,
      natsUser: undefined,
      natsPassword: undefined,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/mesh',
      streamReplicas: 1,
      eventsMaxAgeMs: 7 * 86_400_000,
      eventMaxBytes: 256 * 1024,
      maxDeliver: 5,
      backoffMs: [1_000, 5_000, 30_000, 120_000],
      ackWaitMs: 30_000,
      concurrency: 64,
      enableEventLogging: true,
      enableSystemLogging: true,
      logLevel: 'info',
      publishTimeoutMs: 5_000,
      publishRetryWindowMs: 15_000,
      metricsRefreshMs: 15_000,
    });
  });

  it('parses durations and the backoff schedule to milliseconds', () => {
    const env = validateEnv(EventsEnv)({ CONSUMER_BACKOFF: '500ms, 2s,1m', EVENTS_MAX_AGE: '12h', CONSUMER_ACK_WAIT: '90s', EVENTS_PUBLISH_RETRY_WINDOW: '30s' });
    const config = eventsConfigFromEnv(env, { service: 's' });
    expect(config.publishRetryWindowMs).toBe(30_000);
    expect(config.backoffMs).toEqual([500, 2_000, 60_000]);
    expect(config.eventsMaxAgeMs).toBe(12 * 3_600_000);
    expect(config.ackWaitMs).toBe(90_000);
  });

  it('reads the metrics refresh period', () => {
    expect(eventsConfigFromEnv(validateEnv(EventsEnv)({ METRICS_REFRESH_INTERVAL: '2s' }), { service: 's' }).metricsRefreshMs).toBe(2_000);
  });

  it('splits a comma-separated NATS_URL into trimmed server URLs', () => {
    const env = validateEnv(EventsEnv)({ NATS_URL: 'nats://n1:4222, nats://n2:4222 ,tls://n3:4222' });
    expect(eventsConfigFromEnv(env, { service: 's' }).natsServers).toEqual(['nats://n1:4222', 'nats://n2:4222', 'tls://n3:4222']);
  });

  it('carries the service, consumer, credentials and converted numbers and booleans', () => {
    const env = validateEnv(EventsEnv)({
      NATS_CREDS: '/etc/nats/app.creds',
      NATS_USER: 'mesh',
      NATS_PASSWORD: 'secret',
      DATABASE_URL: 'postgres://db/x',
      EVENTS_STREAM_REPLICAS: '3',
      CONSUMER_MAX_DELIVER: '8',
      CONSUMER_CONCURRENCY: '4',
      ENABLE_EVENT_LOGGING: 'off',
      ENABLE_SYSTEM_LOGGING: 'false',
      LOG_LEVEL: 'warn',
    });
    expect(eventsConfigFromEnv(env, { service: 'event-store', consumer: 'event-store' })).toMatchObject({
      service: 'event-store',
      consumer: 'event-store',
      natsCreds: '/etc/nats/app.creds',
      natsUser: 'mesh',
      natsPassword: 'secret',
      databaseUrl: 'postgres://db/x',
      streamReplicas: 3,
      maxDeliver: 8,
      concurrency: 4,
      enableEventLogging: false,
      enableSystemLogging: false,
      logLevel: 'warn',
    });
  });

  it('leaves consumer unset for a producer-only app', () => {
    const config = eventsConfigFromEnv(validateEnv(EventsEnv)({}), { service: 'vendor-service' });
    expect(config).not.toHaveProperty('consumer');
  });
});
