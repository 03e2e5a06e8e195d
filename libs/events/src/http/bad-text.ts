/** A lone UTF-16 surrogate: PostgreSQL, JSON encoders and most clients cannot store or send it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface BadText {
  /** Where the string is, e.g. `headers.Authorization` or `items[2].name`. */
  field: string;
  problem: string;
}

/** Why `s` cannot be stored as text, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'holds a NUL character (\\u0000), which text fields cannot store: remove it';
  if (LONE_SURROGATE.test(s)) return 'holds a lone UTF-16 surrogate (half of a character): send well-formed UTF-8';
  return undefined;
}

const join = (parent: string, key: string | number) =>
  typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

/**
 * The first string (value or key) anywhere in `value` that cannot be stored as text. An explicit
 * stack, not recursion: a body's depth is capped before parsing, but a query object is not.
 * @example badText({ name: 'a\u0000' }) // { field: 'name', problem: 'holds a NUL …' }
 */
export function badText(value: unknown, root = ''): BadText | undefined {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { field: path || 'body', problem };
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, join(path, i)]));
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        const problem = textProblem(key);
        if (problem) return { field: join(path, key.replace(/[\u0000\uD800-\uDFFF]/g, '?')), problem: `has a key that ${problem}` };
        stack.push([item, join(path, key)]);
      }
    }
  }
  return undefined;
}

/**
 * Whether JSON text nests objects and arrays deeper than `max`, read from the text itself so that
 * nothing recursive (JSON.parse, class-transformer) ever meets a body deeper than that.
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
