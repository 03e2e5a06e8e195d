/**
 * Another registration already holds this type and version in the `event-schemas` bucket (two
 * registrations raced; the first write won). Retrying the same version cannot succeed.
 * @example
 * catch (err) { if (err instanceof SchemaVersionTakenError) throw new ConflictException(err.message); throw err; }
 */
export class SchemaVersionTakenError extends Error {
  readonly retryable = false;
  constructor(
    readonly type: string,
    readonly version: number,
  ) {
    super(`version ${version} of ${type} is already registered (another registration took it first); send version ${version + 1}`);
    this.name = 'SchemaVersionTakenError';
  }
}
