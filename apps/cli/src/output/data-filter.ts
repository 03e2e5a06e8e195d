/**
 * `--filter` on event data. `path=value` compares the field at a dotted path (`vendor.name=Taco`,
 * `lines.0.sku=A`) with the text, or with the JSON of a non-string value (`open=true`, `total=12.5`);
 * anything else is looked for as text in the data's JSON.
 */
export type DataFilter = (data: unknown) => boolean;

function at(data: unknown, path: string[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function parseDataFilter(expression: string): DataFilter {
  const eq = expression.indexOf('=');
  if (eq <= 0) return (data) => JSON.stringify(data ?? null).includes(expression);
  const path = expression.slice(0, eq).trim().split('.');
  const expected = expression.slice(eq + 1);
  return (data) => {
    const value = at(data, path);
    if (value === undefined) return false;
    return typeof value === 'string' ? value === expected : JSON.stringify(value) === expected;
  };
}

/** Every filter must match. */
export const allOf = (filters: DataFilter[]): DataFilter => (data) => filters.every((f) => f(data));
