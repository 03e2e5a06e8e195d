import { parseRetryAfter, retryDelayMs } from './retry-schedule.js';
import type { DeliveryStatus, SubscriptionEffect } from './delivery.types.js';
import type { WebhookExchange } from './webhook-http.client.js';

export interface Judgement {
  status: DeliveryStatus;
  retryInMs: number | null;
  lastError: string | null;
  effect: SubscriptionEffect;
}

/**
 * What one exchange means: 2xx delivered; 410 Gone ends the delivery and disables the
 * subscription; anything else (another status, a timeout, a connection error) is a failed
 * attempt, retried on the schedule, or after `Retry-After` on 429 and 503, until the attempts run out.
 */
export function judge(exchange: WebhookExchange, attempt: number, maxAttempts: number, schedule: readonly number[], random = Math.random): Judgement {
  const { status } = exchange;
  if (status !== null && status >= 200 && status < 300) return { status: 'succeeded', retryInMs: null, lastError: null, effect: 'success' };
  if (status === 410) return { status: 'failed', retryInMs: null, lastError: 'HTTP 410 Gone: the endpoint asked to stop; subscription disabled', effect: 'gone' };
  const lastError = exchange.error ?? `HTTP ${status}`;
  if (attempt >= maxAttempts) return { status: 'failed', retryInMs: null, lastError, effect: 'failure' };
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(exchange.headers['retry-after']) : undefined;
  return { status: 'pending', retryInMs: retryAfter ?? retryDelayMs(attempt, schedule, random), lastError, effect: 'failure' };
}
