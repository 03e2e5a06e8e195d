import { MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelayMs } from './retry-schedule.js';

describe('retryDelayMs', () => {
  const schedule = [60_000, 300_000, 900_000];

  it('follows the schedule and repeats its last entry', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 9].map((n) => retryDelayMs(n, schedule, mid))).toEqual([60_000, 300_000, 900_000, 900_000, 900_000]);
  });

  it('jitters by at most 20 % either way', () => {
    expect(retryDelayMs(1, schedule, () => 0)).toBe(48_000);
    expect(retryDelayMs(1, schedule, () => 0.9999999)).toBe(72_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values and caps long ones', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(String(10 * 86_400))).toBe(MAX_RETRY_AFTER_MS);
  });
});
