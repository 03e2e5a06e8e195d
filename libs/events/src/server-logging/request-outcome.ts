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

/**
 * This request's refusal is reported aggregated elsewhere (AuthAttempts' `http.auth_failed`, a
 * forged provider callback's aggregator): the request logger publishes none of its own for it, or a
 * flood of refused requests would be one event each after all.
 * @example noteAggregatedRefusal(req); throw new ForbiddenException('Invalid X-Twilio-Signature');
 */
export function noteAggregatedRefusal(req: object): void {
  refusals.add(req);
}

export function isAggregatedRefusal(req: object): boolean {
  return refusals.has(req);
}
