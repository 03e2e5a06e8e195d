/** The schema editor's form, as typed, and the body of `POST /events/schemas[/check]` it makes. */
export interface SchemaDraft {
  type: string;
  version: string;
  schema: string;
  breaking: boolean;
}

export const NEW_SCHEMA = '{\n  "type": "object",\n  "required": [],\n  "properties": {}\n}';

/** An edit starts from the latest registered version, one up. */
export const draftFor = (type: string, latestVersion: number | undefined, schema: unknown): SchemaDraft => ({
  type,
  version: String((latestVersion ?? 0) + 1),
  schema: schema === undefined ? NEW_SCHEMA : JSON.stringify(schema, null, 2),
  breaking: false,
});

/**
 * The request body, or the problem the page can name before asking the event store (text that is
 * not JSON, not an object, a version that is not a whole number); the rest is the store's to say.
 */
export function schemaBody(draft: SchemaDraft): { body: Record<string, unknown> } | { problem: string } {
  let schema: unknown;
  try {
    schema = JSON.parse(draft.schema);
  } catch (err) {
    return { problem: `schema: not JSON (${(err as Error).message})` };
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return { problem: 'schema: must be a JSON object, e.g. {"type":"object"}' };
  const version = Number(draft.version);
  if (!/^\d+$/.test(draft.version.trim()) || !Number.isSafeInteger(version)) return { problem: 'version: must be a whole number, above the latest registered (1 for a new type)' };
  return { body: { type: draft.type.trim(), version, schema, ...(draft.breaking ? { breaking: true } : {}) } };
}
