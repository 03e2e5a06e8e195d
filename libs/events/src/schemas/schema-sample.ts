/**
 * A plausible value for a JSON Schema (draft 7 / 2020-12 keywords a producer's schema uses):
 * `const`, `default`, `examples`, `enum` first; then the type with its bounds and `format`; every
 * property of an object; `minItems` items of an array (one at least); the first of `oneOf`/`anyOf`;
 * `allOf` merged; local `$ref`s. It is checked against the schema afterwards: a `pattern` it cannot
 * satisfy is reported, not guessed at.
 */
type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;

const FORMATS: Record<string, string> = {
  'date-time': '2026-01-15T09:30:00.000Z',
  date: '2026-01-15',
  time: '09:30:00Z',
  email: 'jane.doe@example.com',
  uri: 'https://example.com/resource/42',
  url: 'https://example.com/resource/42',
  uuid: '0194b3a2-7c1e-7d3a-9f2b-5e8c1a4d6b70',
  hostname: 'example.com',
  ipv4: '192.0.2.10',
  ipv6: '2001:db8::10',
};

/** Resolves `#/…` pointers within the root schema. */
function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#')) throw new Error(`$ref ${ref} is not local to the schema`);
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (typeof node !== 'object' || node === null) throw new Error(`$ref ${ref} points at nothing`);
  return node as Schema;
}

function typeOf(s: Schema): string | undefined {
  if (Array.isArray(s.type)) return (s.type as string[]).find((t) => t !== 'null') ?? 'null';
  if (typeof s.type === 'string') return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  return undefined;
}

function sampleString(s: Schema, name: string): string {
  if (typeof s.format === 'string' && FORMATS[s.format]) return FORMATS[s.format];
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  let value = name ? `sample ${name}` : 'sample';
  while (value.length < min) value += ' text';
  return value.slice(0, max);
}

function sampleNumber(s: Schema, integer: boolean): number {
  let n = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (integer ? 1 : 0.5) : 42;
  if (typeof s.maximum === 'number' && n > s.maximum) n = s.maximum;
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0) n = Math.ceil(n / s.multipleOf) * s.multipleOf;
  return integer ? Math.ceil(n) : n;
}

function sample(root: Schema, s: Schema, name: string, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof s.$ref === 'string') return sample(root, { ...resolveRef(root, s.$ref), ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) }, name, depth + 1);
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const alternatives = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) return sample(root, alternatives[0], name, depth + 1);
  if (Array.isArray(s.allOf)) {
    const merged = (s.allOf as Schema[]).reduce<Schema>(
      (acc, part) => ({ ...acc, ...part, properties: { ...(acc.properties as Schema), ...(part.properties as Schema) }, required: [...((acc.required as string[]) ?? []), ...((part.required as string[]) ?? [])] }),
      Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'allOf')),
    );
    return sample(root, merged, name, depth + 1);
  }
  switch (typeOf(s)) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, sample(root, sub, key, depth + 1)]));
    }
    case 'array': {
      const count = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      const items = (Array.isArray(s.prefixItems) ? undefined : (s.items as Schema | undefined)) ?? {};
      return Array.from({ length: count }, () => sample(root, items, name, depth + 1));
    }
    case 'string':
      return sampleString(s, name);
    case 'integer':
      return sampleNumber(s, true);
    case 'number':
      return sampleNumber(s, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case undefined:
    default:
      return name ? `sample ${name}` : 'sample';
  }
}

/**
 * A sample `data` for the schema (the webhook test sender's payload, the schema editor's sample
 * event); throws on a `$ref` it cannot follow. Pure, no Node or Nest: safe in a browser bundle.
 * @example
 * sampleFromSchema({ type: 'object', properties: { orderId: { type: 'string', format: 'uuid' } } }) // { orderId: '0194b3a2-…' }
 */
export const sampleFromSchema = (schema: Schema): unknown => sample(schema, schema, '', 0);
