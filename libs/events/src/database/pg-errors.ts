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

/** The fields of a PostgreSQL error that say where it happened without quoting any value. */
export interface PostgresErrorFields {
  code: string;
  table?: string;
  constraint?: string;
  column?: string;
  schema?: string;
}

const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * The SQLSTATE and location of a pg (or TypeORM QueryFailedError) error, or undefined for any other
 * error. Deliberately leaves out `message`, `detail`, `query` and `parameters`: they can quote the
 * row's values (secrets, phone numbers).
 */
export function postgresErrorOf(err: unknown): PostgresErrorFields | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as Record<string, unknown>;
  const source = typeof e.driverError === 'object' && e.driverError !== null ? (e.driverError as Record<string, unknown>) : e;
  const code = text(source.code);
  if (!code || !/^[0-9A-Z]{5}$/.test(code) || typeof source.severity !== 'string') return undefined;
  return { code, table: text(source.table), constraint: text(source.constraint), column: text(source.column), schema: text(source.schema) };
}

/**
 * One log-safe line: `SQLSTATE 22021 table=vendors column=name`.
 * @example logger.warn(`insert refused (${describePostgresError(pg)})`)
 */
export function describePostgresError(pg: PostgresErrorFields): string {
  const parts = [`SQLSTATE ${pg.code}`];
  for (const key of ['table', 'constraint', 'column'] as const) if (pg[key]) parts.push(`${key}=${pg[key]}`);
  return parts.join(' ');
}
