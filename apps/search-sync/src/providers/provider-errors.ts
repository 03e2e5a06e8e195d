/**
 * The index refused records for good (too big, invalid). The batch is split until the refused
 * records are alone; each is then dead-lettered with the provider's message.
 */
export class RecordRejectedError extends Error {
  override readonly name = 'RecordRejectedError';
}

/**
 * The index cannot take writes now (network, timeout, 5xx, bad credentials): retried on the
 * consumer's backoff schedule. A rate limit with Retry-After is a `RetryLaterError` instead.
 */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}
