import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { DEFAULT_MAPPING } from './default-mapping.js';
import type { SearchMapping } from './index-mapping.js';
import { SEARCH_MAPPING_SCHEMA } from './mapping-schema.js';

const validate = new Ajv({ allErrors: true }).compile<SearchMapping>(SEARCH_MAPPING_SCHEMA);

/**
 * Checks a mapping against the schema and the rules a schema cannot say (searchable fields are
 * record fields, one index per event type and index, one resource type per index); throws naming every problem.
 */
export function parseMapping(value: unknown, origin = 'mapping'): SearchMapping {
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => `  - ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new Error(`Invalid search mapping in ${origin}:\n${problems.join('\n')}`);
  }
  const problems: string[] = [];
  const owner = new Map<string, string>();
  value.indexes.forEach((m, i) => {
    for (const f of m.searchableFields) if (!m.fields.includes(f)) problems.push(`  - /indexes/${i}/searchableFields: "${f}" is not in fields`);
    const other = owner.get(m.index);
    if (other !== undefined && other !== m.resourceType) problems.push(`  - /indexes/${i}/index: "${m.index}" is already fed by resource type "${other}"`);
    owner.set(m.index, m.resourceType);
    for (const type of Object.keys(m.events)) {
      const key = `${type} → ${m.index}`;
      if (owner.has(key)) problems.push(`  - /indexes/${i}/events: ${key} is mapped twice`);
      owner.set(key, m.resourceType);
    }
  });
  if (problems.length > 0) throw new Error(`Invalid search mapping in ${origin}:\n${problems.join('\n')}`);
  return value;
}

/** The mapping from SEARCH_MAPPING_FILE, or the shipped default. */
export function loadMapping(file?: string): SearchMapping {
  if (!file) return DEFAULT_MAPPING;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`SEARCH_MAPPING_FILE ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  return parseMapping(raw, file);
}
