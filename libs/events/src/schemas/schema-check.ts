import { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { SchemaValidationError } from './schema-validation.error.js';

// ajv-formats is CommonJS with a `default` export: take the function whichever way it arrives.
const addFormats = ((formats as unknown as { default?: typeof formats }).default ?? formats) as unknown as (ajv: Ajv) => Ajv;

/** The Ajv set-up every schema check of the mesh uses (all errors, the standard formats). */
export const createAjv = (): Ajv => addFormats(new Ajv({ allErrors: true, strict: false }));

const fieldOf = (e: ErrorObject): string => {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : undefined;
  const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : undefined;
  const leaf = missing ?? extra;
  return ['data', path, leaf].filter(Boolean).join('.');
};

/** Runs a compiled schema on `data`; throws {@link SchemaValidationError} naming each bad field. */
export function assertMatches(validate: ValidateFunction, type: string, schemaId: string, data: unknown): void {
  if (validate(data)) return;
  const problems = (validate.errors ?? []).map((e) => ({ field: fieldOf(e), message: e.message ?? e.keyword }));
  throw new SchemaValidationError(type, schemaId, problems);
}
