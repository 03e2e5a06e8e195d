import { InvalidEnvelopeError } from '../envelope/envelope-parser.js';
import { SchemaValidationError } from '../schemas/schema-validation.error.js';
import { decideFailure } from './failure-policy.js';
import { NonRetryableError, RetryLaterError } from './handler-errors.js';

const BACKOFF = [1_000, 5_000, 30_000, 120_000];
const MAX_DELIVER = 10;

describe(decideFailure.name, () => {
  it.each([
    [1, 1_000],
    [2, 5_000],
    [3, 30_000],
    [4, 120_000],
  ])('retries delivery %i after the schedule delay %i ms', (deliveryCount, delayMs) => {
    expect(decideFailure(new Error('db down'), deliveryCount, MAX_DELIVER, BACKOFF)).toEqual({ action: 'retry', delayMs });
  });

  it.each([5, 7, 9])('clamps delivery %i beyond the schedule to its last delay', (deliveryCount) => {
    expect(decideFailure(new Error('db down'), deliveryCount, MAX_DELIVER, BACKOFF)).toEqual({ action: 'retry', delayMs: 120_000 });
  });

  it('retries at once when the schedule is empty', () => {
    expect(decideFailure(new Error('x'), 2, MAX_DELIVER, [])).toEqual({ action: 'retry', delayMs: 0 });
  });

  it('treats any thrown value that is not marked permanent as retryable', () => {
    for (const err of ['text', undefined, null, 42, { retryable: true }, { code: 'ECONNREFUSED' }]) {
      expect(decideFailure(err, 1, MAX_DELIVER, BACKOFF)).toEqual({ action: 'retry', delayMs: 1_000 });
    }
  });

  it("uses a RetryLaterError's own delay over the schedule", () => {
    expect(decideFailure(new RetryLaterError('rate limited', 42_000), 1, MAX_DELIVER, BACKOFF)).toEqual({ action: 'retry', delayMs: 42_000 });
    expect(decideFailure(new RetryLaterError('rate limited', 250), 4, MAX_DELIVER, BACKOFF)).toEqual({ action: 'retry', delayMs: 250 });
  });

  it('keeps a RetryLaterError delay of zero', () => {
    expect(decideFailure(new RetryLaterError('now', 0), 3, MAX_DELIVER, BACKOFF)).toEqual({ action: 'retry', delayMs: 0 });
  });

  it.each([
    ['NonRetryableError', new NonRetryableError('vendor id missing')],
    ['InvalidEnvelopeError', new InvalidEnvelopeError(['data is missing'])],
    ['SchemaValidationError', new SchemaValidationError('vendor.created', 'mesh:schema:vendor.created:v1', [{ field: 'name', message: 'is required' }])],
    ['an object marked retryable: false', { retryable: false, message: '410 Gone' }],
  ])('dead-letters a %s at once, on the first delivery', (_name, err) => {
    expect(decideFailure(err, 1, MAX_DELIVER, BACKOFF)).toEqual({ action: 'dead-letter', reason: 'non_retryable' });
  });

  it('reports a permanent error as non_retryable even on the last delivery', () => {
    expect(decideFailure(new NonRetryableError('bad'), MAX_DELIVER, MAX_DELIVER, BACKOFF)).toEqual({ action: 'dead-letter', reason: 'non_retryable' });
  });

  it('dead-letters a retryable failure of the last delivery', () => {
    expect(decideFailure(new Error('db down'), 5, 5, BACKOFF)).toEqual({ action: 'dead-letter', reason: 'max_deliveries' });
  });

  it('dead-letters a RetryLaterError on the last delivery instead of retrying', () => {
    expect(decideFailure(new RetryLaterError('later', 1_000), 5, 5, BACKOFF)).toEqual({ action: 'dead-letter', reason: 'max_deliveries' });
  });

  it('dead-letters a delivery count past max_deliver', () => {
    expect(decideFailure(new Error('x'), 6, 5, BACKOFF)).toEqual({ action: 'dead-letter', reason: 'max_deliveries' });
  });

  it('dead-letters the first failure when max_deliver is 1', () => {
    expect(decideFailure(new Error('x'), 1, 1, BACKOFF)).toEqual({ action: 'dead-letter', reason: 'max_deliveries' });
  });

  it('retries the delivery just before the last one', () => {
    expect(decideFailure(new Error('x'), 4, 5, BACKOFF)).toEqual({ action: 'retry', delayMs: 120_000 });
  });
});
