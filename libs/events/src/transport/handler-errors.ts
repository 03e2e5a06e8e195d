import { RpcException } from '@nestjs/microservices';

/**
 * Throw from a handler when retrying can never succeed (bad data, a 4xx that will not change):
 * the message goes to the dead-letter stream at once.
 * @example
 * if (!isValidPhone(data.phone)) throw new NonRetryableError('data.phone is not a phone number');
 */
export class NonRetryableError extends RpcException {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.message = message;
    this.name = 'NonRetryableError';
  }
}

/**
 * Throw from a handler to retry after a delay of its choosing (e.g. a provider's Retry-After).
 * @example
 * if (res.status === 429) throw new RetryLaterError('SMS gateway throttled us', Number(res.headers.get('retry-after')) * 1000);
 */
export class RetryLaterError extends RpcException {
  readonly retryable = true;
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.message = message;
    this.name = 'RetryLaterError';
  }
}

/** Errors carry `retryable: false` (envelope, schema, NonRetryableError) to skip the retries. */
export const isNonRetryable = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false;

export const retryDelayOf = (err: unknown): number | undefined =>
  err instanceof RetryLaterError ? err.delayMs : undefined;

/** A one-line description of anything a handler may throw; never throws itself. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
