import { RetryLaterError } from '@app/events';
import { ProviderUnavailableError, RecordRejectedError } from '../provider-errors.js';
import { retryAfterMs, translateAlgoliaError } from './algolia-errors.js';

/** Errors shaped as algoliasearch v5 throws them. */
const apiError = (status: number, message: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(message), { name: 'ApiError', status, stackTrace: [{ response: { status, headers, isTimedOut: false } }] });
const retryError = (...responses: { status: number; isTimedOut: boolean }[]) =>
  Object.assign(new Error('Unreachable hosts'), { name: 'RetryError', stackTrace: responses.map((response) => ({ response })) });

describe(translateAlgoliaError.name, () => {
  it('turns a 429 with Retry-After into a RetryLaterError with that delay', () => {
    const err = translateAlgoliaError(apiError(429, 'Too many requests', { 'retry-after': '7' }));
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).delayMs).toBe(7_000);
  });

  it('leaves a 429 without Retry-After to the backoff schedule', () => {
    expect(translateAlgoliaError(apiError(429, 'Too many requests'))).toBeInstanceOf(ProviderUnavailableError);
  });

  it('treats a 400 (record too big, invalid) as a refused record, keeping the message', () => {
    const err = translateAlgoliaError(apiError(400, 'Record at the position 0 objectID=a is too big size=20000/10000 bytes'));
    expect(err).toBeInstanceOf(RecordRejectedError);
    expect((err as Error).message).toBe('Record at the position 0 objectID=a is too big size=20000/10000 bytes');
  });

  it('retries bad credentials instead of dead-lettering every event, and says what to check', () => {
    const err = translateAlgoliaError(apiError(403, 'Invalid Application-ID or API key'));
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect((err as Error).message).toMatch(/check ALGOLIA_APP_ID and ALGOLIA_API_KEY/);
  });

  it('describes every attempt of an unreachable host (5xx, timeout, network)', () => {
    const err = translateAlgoliaError(retryError({ status: 500, isTimedOut: false }, { status: 0, isTimedOut: true }, { status: 0, isTimedOut: false }));
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect((err as Error).message).toBe('Algolia unreachable (HTTP 500, timed out, network error)');
  });

  it('returns anything else unchanged', () => {
    const other = new TypeError('bug');
    expect(translateAlgoliaError(other)).toBe(other);
  });
});

describe(retryAfterMs.name, () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
