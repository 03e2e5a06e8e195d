/** ES2024's String.prototype.isWellFormed (Node 20+): false when a lone UTF-16 surrogate is in the string. */
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

export interface BadText {
  /** Where the string is, e.g. `headers.Authorization` or `items[2].name`. */
  field: string;
  problem: string;
}

/**
 * Why `s` cannot be stored as text (PostgreSQL, JSON encoders and most clients cannot take a NUL or a
 * lone surrogate), or undefined when it can. Native checks: a regular expression is 20 times slower.
 */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'holds a NUL character (\\u0000), which text fields cannot store: remove it';
  if (!wellFormed(s)) return 'holds a lone UTF-16 surrogate (half of a character): send well-formed UTF-8';
  return undefined;
}

/** A value to visit and where it sits; its path is only spelled out when it is at fault. */
interface Node {
  v: unknown;
  parent?: Node;
  key?: string | number;
}

function pathOf(node: Node, root: string): string {
  const keys: Array<string | number> = [];
  for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.unshift(n.key);
  return keys.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key), root);
}

const visitable = (v: unknown) => typeof v === 'string' || (typeof v === 'object' && v !== null);

/**
 * The first string (value or key) anywhere in `value` that cannot be stored as text. An explicit
 * stack, not recursion: a body's depth is capped before parsing, but a query object is not.
 * @example badText({ name: 'a\u0000' }) // { field: 'name', problem: 'holds a NUL …' }
 */
export function badText(value: unknown, root = ''): BadText | undefined {
  const stack: Node[] = [{ v: value }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.v;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { field: pathOf(node, root) || 'body', problem };
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (visitable(v[i])) stack.push({ v: v[i], parent: node, key: i });
    } else if (typeof v === 'object' && v !== null) {
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        const problem = textProblem(key);
        if (problem) return { field: pathOf({ v: null, parent: node, key: key.replace(/[\u0000\uD800-\uDFFF]/g, '?') }, root), problem: `has a key that ${problem}` };
        const item = (v as Record<string, unknown>)[key];
        if (visitable(item)) stack.push({ v: item, parent: node, key });
      }
    }
  }
  return undefined;
}

/**
 * Whether JSON text nests objects and arrays deeper than `max`, read from the text itself so that
 * nothing recursive (JSON.parse, class-transformer) ever meets a body deeper than that. Takes the
 * raw UTF-8 bytes as they are (no decoding copy): JSON's structural characters are ASCII, and no
 * byte of a multi-byte UTF-8 character is below 0x80. Strings are skipped with indexOf (native).
 */
export function jsonDeeperThan(text: string | Uint8Array, max: number): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let depth = 0;
  for (let i = 0, n = bytes.length; i < n; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      // The closing quote: the next one not escaped by an odd run of backslashes.
      for (;;) {
        const close = bytes.indexOf(0x22, i + 1);
        if (close < 0) return false;
        let backslashes = 0;
        while (bytes[close - 1 - backslashes] === 0x5c) backslashes++;
        i = close;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
