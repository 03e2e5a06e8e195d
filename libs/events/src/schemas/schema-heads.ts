import type { KV } from '@nats-io/kv';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { RegisteredSchema } from './schema-registry.js';

/**
 * What a registration is checked against: the newest schema of a type, and the revision of the
 * type's head entry when it was read. `SchemaRegistry.registerNew` stores a new version only while
 * the head still has that revision, so a check made on a stale read never lands.
 * @example
 * const head = await registry.head('invoice.issued'); vet(head.latest); await registry.registerNew('invoice.issued', 3, v3, head);
 */
export interface SchemaHead {
  type: string;
  /** The newest version stored for the type (over the API or in code); undefined for a new type. */
  latest?: RegisteredSchema;
  /** The head entry's revision in `event-schema-heads`; 0 when the type has none yet. */
  revision: number;
}

/** The write expected another last revision for the key: someone else wrote it first. */
export const isWrongLastSequence = (err: unknown): boolean =>
  err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);

export const schemaKey = (s: { type: string; version: number }): string => `${s.type}.v${s.version}`;

/**
 * Writes `value` under `key` only if the key is empty. 'same' when it already holds exactly this
 * value (a registration completed by another process's roll-forward), 'other' when it holds another.
 */
export async function createOnce(kv: KV, key: string, value: string): Promise<'created' | 'same' | 'other'> {
  try {
    await kv.create(key, value);
    return 'created';
  } catch (err) {
    if (!isWrongLastSequence(err)) throw err;
    const existing = await kv.get(key);
    return existing?.operation === 'PUT' && existing.string() === value ? 'same' : 'other';
  }
}

/** The newest version of `type` in `event-schemas`; versions registered in code (a put) move no head, so the bucket is read too. */
export async function newestStored(schemas: KV, type: string): Promise<RegisteredSchema | undefined> {
  const versions: number[] = [];
  for await (const key of await schemas.keys(`${type}.*`)) {
    const m = /^v(\d+)$/.exec(key.slice(type.length + 1));
    if (m) versions.push(Number(m[1]));
  }
  for (const v of versions.sort((a, b) => b - a)) {
    const entry = await schemas.get(`${type}.v${v}`);
    if (entry?.operation === 'PUT') return entry.json<RegisteredSchema>();
  }
  return undefined;
}

/**
 * Reads a type's head. A head ahead of `event-schemas` is a registration that won its claim but
 * whose process stopped before storing the schema: the head holds the schema, so it is stored now
 * (roll forward) and the type is never left pointing at a version nobody can read.
 */
export async function readHead(heads: KV, schemas: KV, type: string): Promise<SchemaHead & { rolledForward?: number }> {
  const entry = await heads.get(type);
  let rolledForward: number | undefined;
  if (entry?.operation === 'PUT') {
    const claimed = entry.json<RegisteredSchema>();
    const stored = await schemas.get(schemaKey(claimed));
    if (stored?.operation !== 'PUT' && (await createOnce(schemas, schemaKey(claimed), entry.string())) === 'created') rolledForward = claimed.version;
  }
  return { type, latest: await newestStored(schemas, type), revision: entry?.revision ?? 0, rolledForward };
}
