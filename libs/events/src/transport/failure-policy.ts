import { isNonRetryable, retryDelayOf } from './handler-errors.js';

export type FailureDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'dead-letter'; reason: 'non_retryable' | 'max_deliveries' };

/** The schedule's delay after a failed delivery `deliveryCount` (1-based), its last one beyond its end. */
export function scheduledDelay(deliveryCount: number, backoffMs: readonly number[]): number {
  return backoffMs[Math.min(deliveryCount - 1, backoffMs.length - 1)] ?? 0;
}

/**
 * What to do with a failed delivery: retry with the schedule's delay for this attempt (or the
 * handler's own), or dead-letter when the error is permanent or this was the last delivery.
 * A bare nak redelivers at once, so the delay always comes from here (DESIGN.md).
 */
export function decideFailure(err: unknown, deliveryCount: number, maxDeliver: number, backoffMs: readonly number[]): FailureDecision {
  if (isNonRetryable(err)) return { action: 'dead-letter', reason: 'non_retryable' };
  if (deliveryCount >= maxDeliver) return { action: 'dead-letter', reason: 'max_deliveries' };
  return { action: 'retry', delayMs: retryDelayOf(err) ?? scheduledDelay(deliveryCount, backoffMs) };
}
