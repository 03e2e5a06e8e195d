/**
 * What Nest's HTTP handling learns about a request that the request logger, an Express middleware
 * that sees only the answer, cannot: the exception's class (noted by the HTTP exception filter) and
 * whether the API-key guard's refusal was already counted by AuthAttempts. Weak, so a finished
 * request leaves nothing behind.
 */
const exceptions = new WeakMap<object, string>();
const refusals = new WeakSet<object>();

/** Called by the HTTP exception filter: errors only, so a successful request pays nothing. */
export function noteException(res: object, exception: unknown): void {
  exceptions.set(res, exception instanceof Error ? exception.constructor.name : typeof exception);
}

export function exceptionOf(res: object): string | undefined {
  return exceptions.get(res);
}

/** Called by AuthAttempts: the refusal is reported aggregated (`http.auth_failed`), not once per request. */
export function noteRefused(req: object): void {
  refusals.add(req);
}

export function wasRefused(req: object): boolean {
  return refusals.has(req);
}
