import { RetryLaterError } from '@app/events';
import { ProviderUnavailableError, RecordRejectedError } from '../provider-errors.js';

/** What algoliasearch throws, by shape (its error classes are not exported by the `algoliasearch` package). */
interface AlgoliaFailure {
  name?: string;
  message?: string;
  status?: number;
  stackTrace?: { response?: { status?: number; isTimedOut?: boolean; headers?: Record<string, string> } }[];
}

/** Statuses Algolia gives a record or request it will never accept (too big, invalid JSON, bad attribute). */
const REFUSED = new Set([400, 413, 422]);

/** `Retry-After` in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const describeAttempt = (r?: { status?: number; isTimedOut?: boolean }) => (r?.isTimedOut ? 'timed out' : !r?.status ? 'network error' : `HTTP ${r.status}`);

/**
 * Translates an algoliasearch failure into what the batcher and the transport act on:
 * a refused record → RecordRejectedError (isolated, then dead-lettered with Algolia's message);
 * 429 → RetryLaterError after Retry-After (or the backoff schedule without one);
 * 5xx, timeouts, network errors (the client's RetryError once every host failed) and
 * credential or permission errors → ProviderUnavailableError (retried: a fix of the keys must not
 * cost the events). Anything else is returned as it is.
 */
export function translateAlgoliaError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as AlgoliaFailure;
  const last = e.stackTrace?.at(-1)?.response;
  if (e.name === 'RetryError') {
    const attempts = (e.stackTrace ?? []).map((f) => describeAttempt(f.response)).join(', ');
    return new ProviderUnavailableError(`Algolia unreachable (${attempts || 'no host answered'})`);
  }
  if ((e.name === 'ApiError' || e.name === 'DetailedApiError') && typeof e.status === 'number') {
    const message = e.message ?? `HTTP ${e.status}`;
    if (e.status === 429) {
      const delay = retryAfterMs(last?.headers?.['retry-after']);
      const text = `Algolia rate limit (429): ${message}`;
      return delay === undefined ? new ProviderUnavailableError(text) : new RetryLaterError(`${text}; retrying after ${delay} ms (Retry-After)`, delay);
    }
    if (REFUSED.has(e.status)) return new RecordRejectedError(message);
    return new ProviderUnavailableError(`Algolia answered ${e.status}: ${message}${e.status === 401 || e.status === 403 ? ' (check ALGOLIA_APP_ID and ALGOLIA_API_KEY)' : ''}`);
  }
  return err;
}
