/**
 * SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the row itself is
 * the problem (a NUL in text, a time out of range), so retrying the same row cannot succeed, while
 * connection and server errors (08, 57, 53, 40, …) are worth retrying.
 * @example if (isPostgresDataError(err)) throw new NonRetryableError(err.message)
 */
export function isPostgresDataError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
