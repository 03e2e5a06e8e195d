import { isDataPath, readPath } from './json-path.js';

/** A condition that does not parse; the message says where and what to write instead. */
export class ConditionSyntaxError extends Error {
  override name = 'ConditionSyntaxError';
}

type Literal = string | number | boolean | null;
interface Comparison {
  path: string;
  op: '==' | '!=';
  value: Literal;
}

const TOKEN = /\s*(?:(&&)|(==|!=)|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)\b|((?:\$\.)?[A-Za-z_][\w.-]*))/y;
const EXAMPLE = 'e.g. newStatus == "Started" && total != 0';

/**
 * A rule's condition on the event data: comparisons `path == literal` or `path != literal` joined
 * by `&&`, literals in JSON (`"Started"`, `12`, `true`, `null`). Parsed once, when the rule is saved.
 * @example compileCondition('newStatus == "Started"').matches({ newStatus: 'Started' }) // true
 */
export function compileCondition(source: string): { source: string; matches(data: unknown): boolean } {
  const tokens: { kind: 'and' | 'op' | 'literal' | 'path'; text: string; at: number }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex + /^\s*/.exec(source.slice(TOKEN.lastIndex))![0].length;
    const m = TOKEN.exec(source);
    if (!m) throw new ConditionSyntaxError(`cannot read the condition at character ${at + 1} ("${source.slice(at, at + 12).trim()}"): ${EXAMPLE}`);
    const [, and, op, str, num, word, path] = m;
    const kind = and ? 'and' : op ? 'op' : str || num || word ? 'literal' : 'path';
    tokens.push({ kind, text: and ?? op ?? str ?? num ?? word ?? path!, at: at + 1 });
  }
  if (tokens.length === 0) throw new ConditionSyntaxError(`the condition is empty: ${EXAMPLE}`);
  const comparisons: Comparison[] = [];
  for (let i = 0; i < tokens.length; i += 4) {
    const [path, op, value, and] = tokens.slice(i, i + 4);
    if (path?.kind !== 'path' || !isDataPath(path.text)) throw new ConditionSyntaxError(`expected a data path at character ${path?.at ?? source.length}: ${EXAMPLE}`);
    if (op?.kind !== 'op') throw new ConditionSyntaxError(`expected == or != after "${path.text}": ${EXAMPLE}`);
    if (value?.kind !== 'literal') throw new ConditionSyntaxError(`expected a JSON value ("text", a number, true, false or null) after "${path.text} ${op.text}": ${EXAMPLE}`);
    if (and && and.kind !== 'and') throw new ConditionSyntaxError(`expected && at character ${and.at}: ${EXAMPLE}`);
    if (and && i + 4 >= tokens.length) throw new ConditionSyntaxError(`the condition ends with &&: ${EXAMPLE}`);
    comparisons.push({ path: path.text, op: op.text as Comparison['op'], value: JSON.parse(value.text) as Literal });
  }
  return {
    source,
    matches: (data) =>
      comparisons.every(({ path, op, value }) => {
        const actual = readPath(data, path);
        const equal = actual === value || (value === null && actual === undefined);
        return op === '==' ? equal : !equal;
      }),
  };
}
