/**
 * The values of one parameterised statement. User input only ever reaches PostgreSQL as a `$n`
 * placeholder; the SQL text is built from fixed fragments.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder, e.g. `$3`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export const whereClause = (conditions: readonly string[]): string => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

/** Escapes `%`, `_` and `\` so a user's text matches literally inside a LIKE pattern (ESCAPE '\'). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
