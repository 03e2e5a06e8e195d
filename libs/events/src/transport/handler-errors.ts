import { RpcException } from '@nestjs/microservices';

/**
 * Throw from a handler when retrying can never succeed (bad data, a 4xx that will not change):
 * the message goes to the dead-letter stream at once.
 */
export class NonRetryableError extends RpcException {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.message = message;
    this.name = 'NonRetryableError';
  }
}

/** Throw from a handler to retry after a delay of its choosing (e.g. a provider's Retry-After). */
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

export const errorMessage = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}` : typeof err === 'string' ? err : JSON.stringify(err);
