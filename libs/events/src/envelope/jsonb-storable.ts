/**
 * An escape JSON.stringify writes for what PostgreSQL `jsonb` (and `text`) cannot hold: `\u0000`,
 * or a surrogate, which it escapes only when lone (a pair is written as the character itself).
 * The look-behind and the pairs of backslashes skip a literal backslash followed by `u0000`.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/**
 * Data PostgreSQL cannot store, with the JSON path of the first offending string.
 * @example
 * catch (err) { if (err instanceof UnstorableDataError) throw new NonRetryableError(err.message); throw err; }
 */
export class UnstorableDataError extends Error {
  readonly retryable = false;
  constructor(
    readonly path: string,
    readonly problem: 'NUL character' | 'lone surrogate',
  ) {
    super(`${path} holds a ${problem} (${problem === 'NUL character' ? '\\u0000' : 'an unpaired \\ud800–\\udfff'}), which PostgreSQL jsonb cannot store: remove it, or encode binary values (e.g. base64)`);
    this.name = 'UnstorableDataError';
  }
}

/** True when `json` (JSON.stringify output) holds a NUL or a lone surrogate anywhere. */
export const hasUnstorableText = (json: string): boolean => UNSTORABLE_ESCAPE.test(json);

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units, no `u` flag). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemOf(s: string): UnstorableDataError['problem'] | undefined {
  if (s.includes('\0')) return 'NUL character';
  return LONE_SURROGATE.test(s) ? 'lone surrogate' : undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const step = (path: string, key: string) => (IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/** The first offending string (or key) of `value`, depth first, as an error naming its path. */
export function findUnstorable(value: unknown, path: string): UnstorableDataError | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem && new UnstorableDataError(path, problem);
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const keyProblem = problemOf(key);
    if (keyProblem) return new UnstorableDataError(`${path} (a key)`, keyProblem);
    const found = findUnstorable(child, step(path, key));
    if (found) return found;
  }
  return undefined;
}

/**
 * Throws {@link UnstorableDataError} naming the path when the serialised event holds text that
 * `jsonb` cannot store. Costs one regex test over the JSON; the object is walked only on a hit.
 * @example assertStorable(JSON.stringify(event), event);
 */
export function assertStorable(json: string, event: object): void {
  if (!hasUnstorableText(json)) return;
  const found = findUnstorable(event, '');
  // Paths from the envelope's root read `data.notes`; the regex and the walk agree by construction.
  if (found) throw new UnstorableDataError(found.path.replace(/^\./, ''), found.problem);
}
