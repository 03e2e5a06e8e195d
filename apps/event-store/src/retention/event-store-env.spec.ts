import { EventStoreEnv, retentionConfigFromEnv } from './event-store-env.js';

describe(EventStoreEnv.name, () => {
  it('defaults to 30 days, an archive kept 30 days more, hourly', () => {
    expect(retentionConfigFromEnv({})).toEqual({ days: 30, archiveDays: 30, auditDays: 365, intervalMs: 3_600_000, startDelayMs: 10_000, batchSize: 5_000 });
  });

  it('reads EVENT_RETENTION_DAYS (0 disables) and EVENT_RETENTION_INTERVAL', () => {
    expect(retentionConfigFromEnv({ EVENT_RETENTION_DAYS: '0', EVENT_RETENTION_INTERVAL: '15m' })).toMatchObject({ days: 0, intervalMs: 900_000 });
    expect(retentionConfigFromEnv({ EVENT_RETENTION_DAYS: '365', EVENT_RETENTION_INTERVAL: '1d' })).toMatchObject({ days: 365, intervalMs: 86_400_000 });
  });

  it('reads EVENT_ARCHIVE_DAYS (0 keeps the archive for ever)', () => {
    expect(retentionConfigFromEnv({ EVENT_ARCHIVE_DAYS: '0' }).archiveDays).toBe(0);
    expect(retentionConfigFromEnv({ EVENT_ARCHIVE_DAYS: '365' }).archiveDays).toBe(365);
  });

  it.each([
    ['EVENT_ARCHIVE_DAYS', 'a year'],
    ['EVENT_ARCHIVE_DAYS', '-3'],
    ['EVENT_RETENTION_DAYS', 'thirty'],
    ['EVENT_RETENTION_DAYS', '-1'],
    ['EVENT_RETENTION_DAYS', '1.5'],
    ['EVENT_RETENTION_INTERVAL', 'hourly'],
    ['EVENT_RETENTION_INTERVAL', '0s'],
    ['EVENT_RETENTION_INTERVAL', '500ms'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => retentionConfigFromEnv({ [name]: value })).toThrow(new RegExp(`^Invalid configuration[^]*\\n  - ${name}: [^]*\\(got `));
  });

  it('ignores the other variables of the environment', () => {
    expect(retentionConfigFromEnv({ PATH: '/usr/bin', CONSUMER_CONCURRENCY: '5' }).days).toBe(30);
  });
});
