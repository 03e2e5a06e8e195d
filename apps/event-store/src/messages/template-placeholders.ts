import { missingPlaceholders, parseTemplate, TemplateError, type CloudEvent } from '@app/events';
import { eventView } from './event-view.js';

/**
 * An event that has every field a JSON Schema describes (strings "x", numbers 1, lists of one
 * item), so that a template's placeholders can be checked against a type's registered schema.
 */
export function sampleFromSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return 'x';
  const s = schema as { type?: unknown; properties?: Record<string, unknown>; items?: unknown; enum?: unknown[]; const?: unknown };
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sampleFromSchema(v)]));
  }
  if (type === 'array') return [sampleFromSchema(s.items)];
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  return 'x';
}

/** A sample envelope of `type` around `data` with every optional attribute set, for checking placeholders. */
export function sampleEvent(type: string, data: unknown, attributes: Record<string, unknown> = {}): CloudEvent {
  return {
    specversion: '1.0', id: 'sample', source: 'sample', type, time: new Date(0).toISOString(), datacontenttype: 'application/json',
    subject: 'sample', resourcetype: 'sample', resourceid: 'sample', actor: 'sample', audience: 'admin', category: 'Info', level: 'info',
    ...attributes,
    data,
  };
}

/**
 * Every problem of a template text against a sample event: it does not parse, or it reads a
 * placeholder the sample lacks. Empty when the text is good.
 */
export function templateProblems(field: string, text: string, sample: CloudEvent): string[] {
  try {
    const missing = missingPlaceholders(parseTemplate(text), eventView(sample));
    return missing.map((name) => `${field}: placeholder {{${name}}} is not in a ${sample.type} event (use the envelope's attributes, data.… or masked.…)`);
  } catch (err) {
    if (err instanceof TemplateError) return [`${field}: ${err.message}`];
    throw err;
  }
}
