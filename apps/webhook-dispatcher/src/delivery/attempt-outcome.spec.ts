import { judge } from './attempt-outcome.js';
import type { WebhookExchange } from './webhook-http.client.js';

const exchange = (status: number | null, headers: Record<string, string> = {}, error: string | null = null): WebhookExchange => ({
  status,
  headers,
  body: '',
  durationMs: 1,
  error,
});
const schedule = [1_000, 5_000];
const mid = () => 0.5;

describe('judge', () => {
  it('counts any 2xx as delivered', () => {
    expect(judge(exchange(204), 1, 3, schedule)).toEqual({ status: 'succeeded', retryInMs: null, lastError: null, effect: 'success' });
  });

  it('retries other statuses, timeouts and connection errors on the schedule', () => {
    expect(judge(exchange(500), 1, 3, schedule, mid)).toEqual({ status: 'pending', retryInMs: 1_000, lastError: 'HTTP 500', effect: 'failure' });
    expect(judge(exchange(301), 2, 3, schedule, mid)).toMatchObject({ status: 'pending', retryInMs: 5_000, lastError: 'HTTP 301' });
    expect(judge(exchange(null, {}, 'timeout: no response within 100 ms'), 1, 3, schedule, mid)).toMatchObject({
      status: 'pending',
      lastError: 'timeout: no response within 100 ms',
    });
  });

  it('honours Retry-After on 429 and 503 only', () => {
    expect(judge(exchange(429, { 'retry-after': '7' }), 1, 3, schedule, mid).retryInMs).toBe(7_000);
    expect(judge(exchange(503, { 'retry-after': '0' }), 1, 3, schedule, mid).retryInMs).toBe(0);
    expect(judge(exchange(500, { 'retry-after': '7' }), 1, 3, schedule, mid).retryInMs).toBe(1_000);
  });

  it('fails for good when the attempts run out', () => {
    expect(judge(exchange(500), 3, 3, schedule)).toEqual({ status: 'failed', retryInMs: null, lastError: 'HTTP 500', effect: 'failure' });
  });

  it('stops at once on 410 Gone', () => {
    expect(judge(exchange(410), 1, 3, schedule)).toMatchObject({ status: 'failed', effect: 'gone' });
  });
});
