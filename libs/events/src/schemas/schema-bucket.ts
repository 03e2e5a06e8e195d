import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { SCHEMA_BUCKET } from '../events.constants.js';
import type { RegisteredSchema } from './schema-registry.js';

/**
 * Checks `data` against the newest schema registered for `type` in the `event-schemas` bucket, as
 * `publishEvent` does, for programs without the Nest registry (the `mesh` CLI). Returns the
 * schema's id for the envelope's `dataschema`, or undefined when the type has none (or no bucket
 * exists yet: nothing was ever registered). Throws SchemaValidationError naming each bad field.
 * @example event.dataschema = await checkRegisteredSchema(nc, 'vendor.created', data);
 */
export async function checkRegisteredSchema(nc: NatsConnection, type: string, data: unknown): Promise<string | undefined> {
  let kv;
  try {
    kv = await new Kvm(nc).open(SCHEMA_BUCKET);
    await kv.status();
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw err;
  }
  let newest: RegisteredSchema | undefined;
  for await (const key of await kv.keys(`${type}.*`)) {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT') continue;
    const schema = entry.json<RegisteredSchema>();
    if (schema.type === type && (!newest || schema.version > newest.version)) newest = schema;
  }
  if (!newest) return undefined;
  // Ajv is loaded only when a schema applies: a plain Node program starts without it.
  const { assertMatches, createAjv } = await import('./schema-check.js');
  assertMatches(createAjv().compile(newest.schema), type, newest.id, data);
  return newest.id;
}
