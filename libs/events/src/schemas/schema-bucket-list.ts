import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { SCHEMA_BUCKET } from '../events.constants.js';
import type { RegisteredSchema } from './schema-registry.js';

/**
 * Every schema in the `event-schemas` bucket (each version), read without the Nest registry (the
 * `mesh` CLI); empty when nothing was ever registered (no bucket).
 * @example const schemas = await listRegisteredSchemas(nc);
 */
export async function listRegisteredSchemas(nc: NatsConnection): Promise<RegisteredSchema[]> {
  let kv;
  try {
    kv = await new Kvm(nc).open(SCHEMA_BUCKET);
    await kv.status();
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return [];
    throw err;
  }
  const out: RegisteredSchema[] = [];
  for await (const key of await kv.keys()) {
    const entry = await kv.get(key);
    if (entry?.operation === 'PUT') out.push(entry.json<RegisteredSchema>());
  }
  return out;
}

/**
 * The newest version of each type's schema.
 * @example
 * const current = latestSchemas(await registry.list()).find((s) => s.type === 'order.created');
 */
export function latestSchemas(all: RegisteredSchema[]): RegisteredSchema[] {
  const newest = new Map<string, RegisteredSchema>();
  for (const s of all) if ((newest.get(s.type)?.version ?? 0) < s.version) newest.set(s.type, s);
  return [...newest.values()];
}
