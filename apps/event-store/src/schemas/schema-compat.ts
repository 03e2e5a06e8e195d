/**
 * Would a new version of a type's JSON Schema refuse data the previous version accepted?
 * The check is structural and conservative: it walks both schemas side by side and reports every
 * change that narrows what is accepted (a new required field, a narrower type or enum, a tighter
 * bound, a new pattern or format, `additionalProperties: false` where extra fields were allowed).
 * A keyword it cannot reason about (allOf, anyOf, oneOf, not, if/then, $ref, patternProperties…)
 * counts as narrowing whenever its value changed: it never calls a breaking change safe, and
 * may call a safe one breaking, which `breaking: true` then overrides.
 */

type Schema = boolean | Record<string, unknown>;

/** Keywords that describe without constraining: changing them breaks nothing. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$comment', '$schema', '$id', 'deprecated', 'readOnly', 'writeOnly']);
/** Keywords this check compares one by one; any other keyword that changes counts as narrowing. */
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
const EXACT = ['pattern', 'format', 'multipleOf', 'uniqueItems'] as const;
const HANDLED = new Set<string>(['type', 'required', 'properties', 'additionalProperties', 'items', 'enum', 'const', ...LOWER_BOUNDS, ...UPPER_BOUNDS, ...EXACT]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const typesOf = (s: Record<string, unknown>): Set<string> | undefined =>
  s.type === undefined ? undefined : new Set(Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]);
const isUnconstrained = (s: Schema): boolean => s === true || (isObject(s) && Object.keys(s).every((k) => ANNOTATIONS.has(k)));

/** Each narrowing change, as `<path>: <what changed>`; empty when every old-valid value stays valid. */
export function narrowingChanges(prev: Schema, next: Schema, path = 'data'): string[] {
  if (isUnconstrained(next)) return [];
  if (prev === false) return [];
  if (next === false) return [`${path}: now rejects every value (false)`];
  const before: Record<string, unknown> = prev === true ? {} : prev;
  const after = next as Record<string, unknown>;
  const out: string[] = [];

  const was = typesOf(before);
  const now = typesOf(after);
  if (now) {
    const lost = was ? [...was].filter((t) => !now.has(t) && !(t === 'integer' && now.has('number'))) : ['any type'];
    if (lost.length > 0) out.push(`${path}: type narrowed to ${[...now].join('|')} (was ${was ? [...was].join('|') : 'any'})`);
  }

  const required = new Set((before.required as string[] | undefined) ?? []);
  for (const field of (after.required as string[] | undefined) ?? []) if (!required.has(field)) out.push(`${path}.${field}: now required`);

  const oldProps = (isObject(before.properties) ? before.properties : {}) as Record<string, Schema>;
  const newProps = (isObject(after.properties) ? after.properties : {}) as Record<string, Schema>;
  const oldExtra = (before.additionalProperties ?? true) as Schema;
  const newExtra = (after.additionalProperties ?? true) as Schema;
  // A property named on one side only was governed by the other side's additionalProperties.
  for (const [name, schema] of Object.entries(newProps)) out.push(...narrowingChanges(oldProps[name] ?? oldExtra, schema, `${path}.${name}`));
  for (const [name, schema] of Object.entries(oldProps)) if (!(name in newProps)) out.push(...narrowingChanges(schema, newExtra, `${path}.${name}`));
  if (newExtra === false && oldExtra !== false) out.push(`${path}: additional properties no longer allowed`);
  else out.push(...narrowingChanges(oldExtra, newExtra, `${path}.*`));

  if (Array.isArray(after.items) || Array.isArray(before.items)) {
    if (!same(after.items, before.items)) out.push(`${path}: items (a tuple) changed, counted as narrowing`);
  } else if (after.items !== undefined) out.push(...narrowingChanges((before.items ?? true) as Schema, after.items as Schema, `${path}[]`));

  if (after.enum !== undefined) {
    const allowed = (after.enum as unknown[]).map((v) => JSON.stringify(v));
    const old = before.enum as unknown[] | undefined;
    const dropped = old ? old.filter((v) => !allowed.includes(JSON.stringify(v))) : undefined;
    if (!old) out.push(`${path}: now limited to ${allowed.join(', ')}`);
    else if (dropped && dropped.length > 0) out.push(`${path}: no longer accepts ${dropped.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  if (after.const !== undefined && !same(after.const, before.const)) out.push(`${path}: now must equal ${JSON.stringify(after.const)}`);

  for (const k of LOWER_BOUNDS) {
    const n = after[k] as number | undefined;
    const o = before[k] as number | undefined;
    if (n !== undefined && (o === undefined || n > o)) out.push(`${path}: ${k} raised to ${n}${o === undefined ? '' : ` (was ${o})`}`);
  }
  for (const k of UPPER_BOUNDS) {
    const n = after[k] as number | undefined;
    const o = before[k] as number | undefined;
    if (n !== undefined && (o === undefined || n < o)) out.push(`${path}: ${k} lowered to ${n}${o === undefined ? '' : ` (was ${o})`}`);
  }
  for (const k of EXACT) if (after[k] !== undefined && !same(after[k], before[k])) out.push(`${path}: ${k} now ${JSON.stringify(after[k])}`);

  for (const k of Object.keys(after)) {
    if (ANNOTATIONS.has(k) || HANDLED.has(k)) continue;
    if (!same(after[k], before[k])) out.push(`${path}: ${k} changed (not checked keyword by keyword, so counted as narrowing)`);
  }
  return out;
}
