/**
 * `data` does not match the schema registered for its event type; retrying cannot fix it.
 * @example
 * catch (err) { if (err instanceof SchemaValidationError) throw new BadRequestException(err.message); throw err; }
 */
export class SchemaValidationError extends Error {
  readonly retryable = false;
  constructor(
    readonly type: string,
    readonly schemaId: string,
    readonly problems: { field: string; message: string }[],
  ) {
    super(
      `Event ${type} does not match ${schemaId}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
    );
    this.name = 'SchemaValidationError';
  }
}
