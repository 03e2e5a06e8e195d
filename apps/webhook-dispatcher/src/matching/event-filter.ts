/**
 * A subscription's filter on the event's `data`: every entry must hold. The key is a JSON path
 * into the data (`status`, `customer.country`, `items.0.sku`); the value is either a literal
 * (equality) or an object of operators.
 * @example { "status": "paid", "total": { "gte": 100 }, "customer.country": { "in": ["DE", "FR"] } }
 */
export type EventFilter = Record<string, Scalar | Operators>;
type Scalar = string | number | boolean | null;
interface Operators {
  eq?: Scalar;
  ne?: Scalar;
  in?: Scalar[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

const OPERATORS = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte'] as const;
const NUMERIC = new Set(['gt', 'gte', 'lt', 'lte']);
const PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;
const MAX_ENTRIES = 50;

const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a filter, one message per problem naming the path; empty when it is valid. */
export function filterProblems(filter: unknown): string[] {
  if (!isPlainObject(filter)) return ['filter must be an object of "json.path": value or "json.path": { operator: value }'];
  const entries = Object.entries(filter);
  if (entries.length > MAX_ENTRIES) return [`filter has ${entries.length} conditions; at most ${MAX_ENTRIES} are allowed`];
  const problems: string[] = [];
  for (const [path, condition] of entries) {
    const at = `filter.${path}`;
    if (!PATH.test(path)) problems.push(`${at}: the path must be dot-separated keys such as customer.country or items.0.sku`);
    if (isScalar(condition)) continue;
    if (!isPlainObject(condition) || Object.keys(condition).length === 0) {
      problems.push(`${at}: use a string, number, boolean or null (equality) or an object of operators (${OPERATORS.join(', ')})`);
      continue;
    }
    for (const [op, operand] of Object.entries(condition)) {
      if (!(OPERATORS as readonly string[]).includes(op)) problems.push(`${at}: unknown operator "${op}"; use ${OPERATORS.join(', ')}`);
      else if (NUMERIC.has(op) && (typeof operand !== 'number' || !Number.isFinite(operand))) problems.push(`${at}.${op} must be a number`);
      else if (op === 'in' && (!Array.isArray(operand) || operand.length === 0 || !operand.every(isScalar))) {
        problems.push(`${at}.in must be a non-empty array of strings, numbers, booleans or null`);
      } else if ((op === 'eq' || op === 'ne') && !isScalar(operand)) problems.push(`${at}.${op} must be a string, number, boolean or null`);
    }
  }
  return problems;
}

function valueAt(data: unknown, path: string): unknown {
  let value = data;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function holds(value: unknown, condition: Scalar | Operators): boolean {
  if (isScalar(condition)) return value === condition;
  const c = condition;
  if ('eq' in c && value !== c.eq) return false;
  if ('ne' in c && value === c.ne) return false;
  if (c.in !== undefined && !c.in.includes(value as Scalar)) return false;
  // Numeric comparisons hold only for numbers: a missing or textual value never matches.
  const numeric = c.gt !== undefined || c.gte !== undefined || c.lt !== undefined || c.lte !== undefined;
  if (!numeric) return true;
  if (typeof value !== 'number') return false;
  return (c.gt === undefined || value > c.gt) && (c.gte === undefined || value >= c.gte) && (c.lt === undefined || value < c.lt) && (c.lte === undefined || value <= c.lte);
}

/** True when the data satisfies every condition (a filter validated by {@link filterProblems}). */
export function matchesFilter(filter: EventFilter | null | undefined, data: unknown): boolean {
  if (!filter) return true;
  for (const path in filter) if (!holds(valueAt(data, path), filter[path])) return false;
  return true;
}
