import { webhookConfigFromEnv } from './webhook-env.js';

describe('webhookConfigFromEnv', () => {
  it('defaults to the 1m,5m,15m,1h,6h schedule, six attempts and disabling after 10 failures', () => {
    const config = webhookConfigFromEnv({});
    expect(config.retryScheduleMs).toEqual([60_000, 300_000, 900_000, 3_600_000, 21_600_000]);
    expect(config.defaultMaxAttempts).toBe(6);
    expect(config.disableAfter).toBe(10);
  });

  it('reads a shortened schedule and the attempt count follows it', () => {
    const config = webhookConfigFromEnv({ WEBHOOK_RETRY_SCHEDULE: '100ms,200ms', WEBHOOK_DISABLE_AFTER: '3' });
    expect(config.retryScheduleMs).toEqual([100, 200]);
    expect(config.defaultMaxAttempts).toBe(3);
    expect(config.disableAfter).toBe(3);
  });

  it('fails naming every bad variable and what to write instead', () => {
    expect(() => webhookConfigFromEnv({ WEBHOOK_RETRY_SCHEDULE: '1m,soon', WEBHOOK_DISABLE_AFTER: '0', WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(
      /WEBHOOK_RETRY_SCHEDULE: must be a comma-separated list of delays[\s\S]*WEBHOOK_DISABLE_AFTER[\s\S]*WEBHOOK_ALLOW_PRIVATE/,
    );
  });

  it('never probes disabled subscriptions unless WEBHOOK_REENABLE_PROBE gives a schedule, and waits 20 s for requests on shutdown', () => {
    expect(webhookConfigFromEnv({})).toMatchObject({ reenableProbeMs: [], shutdownGraceMs: 20_000 });
    expect(webhookConfigFromEnv({ WEBHOOK_REENABLE_PROBE: 'off' }).reenableProbeMs).toEqual([]);
    expect(webhookConfigFromEnv({ WEBHOOK_REENABLE_PROBE: '1h,6h,24h' }).reenableProbeMs).toEqual([3_600_000, 21_600_000, 86_400_000]);
    expect(() => webhookConfigFromEnv({ WEBHOOK_REENABLE_PROBE: 'hourly' })).toThrow(/WEBHOOK_REENABLE_PROBE: must be off or a comma-separated list of delays/);
  });

  it('leaves the crash window to the worker (twice the endpoint concurrency) unless WEBHOOK_CRASH_WINDOW sets it, never below the endpoint concurrency', () => {
    expect(webhookConfigFromEnv({}).crashWindow).toBeUndefined();
    expect(webhookConfigFromEnv({ WEBHOOK_CRASH_WINDOW: '64' }).crashWindow).toBe(64);
    expect(() => webhookConfigFromEnv({ WEBHOOK_CRASH_WINDOW: '8' })).toThrow(/WEBHOOK_CRASH_WINDOW: 8 is below WEBHOOK_ENDPOINT_CONCURRENCY \(16\).*at least 16/);
    expect(() => webhookConfigFromEnv({ WEBHOOK_CRASH_WINDOW: 'lots' })).toThrow(/WEBHOOK_CRASH_WINDOW/);
  });

  it('asks the event-store for test payloads only when EVENT_STORE_URL is set, an http(s) url', () => {
    expect(webhookConfigFromEnv({}).eventStoreUrl).toBeUndefined();
    expect(webhookConfigFromEnv({ EVENT_STORE_URL: 'http://event-store:3001/' }).eventStoreUrl).toBe('http://event-store:3001');
    expect(() => webhookConfigFromEnv({ EVENT_STORE_URL: 'event-store' })).toThrow(/EVENT_STORE_URL/);
  });

  it('allows private targets and plain http outside production only', () => {
    const env = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'production';
      expect(webhookConfigFromEnv({})).toMatchObject({ allowPrivate: false, allowHttp: false });
      expect(webhookConfigFromEnv({ WEBHOOK_ALLOW_PRIVATE: 'true' })).toMatchObject({ allowPrivate: true });
      process.env.NODE_ENV = 'development';
      expect(webhookConfigFromEnv({})).toMatchObject({ allowPrivate: true, allowHttp: true });
    } finally {
      process.env.NODE_ENV = env;
    }
  });
});
