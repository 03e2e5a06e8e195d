import { matchesPattern } from '@app/events';
import { checkIngestItem, publishOptionsOf } from '../ingest/ingest-item.js';
import type { PreparedItem } from '../ingest/ingest.service.js';
import type { ClientKeyView } from './client-key.js';

/** Every browser event's `source`: a page can never pose as a service. */
export const CLIENT_SOURCE = 'client';

/** Set by the event-store for client events, so refused when a page sends them. */
const SERVER_SET = ['source', 'actor', 'subject', 'causationId'] as const;

/** What a page adds about itself, kept as CloudEvents extensions (lowercase names) with their length limits. */
const PAGE_FIELDS = { sessionId: { extension: 'sessionid', max: 200 }, url: { extension: 'pageurl', max: 2000 }, userAgent: { extension: 'useragent', max: 500 } } as const;
type PageField = keyof typeof PAGE_FIELDS;
const isPageField = (key: string): key is PageField => Object.hasOwn(PAGE_FIELDS, key);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One browser event checked like an admin-ingested one, plus the client rules: its type must match
 * one of the key's patterns, the server-set fields are refused, and the page fields become the
 * extensions `sessionid`, `pageurl`, `useragent`; `source` is `client` and `clientkey` the key's name.
 */
export function prepareClientItem(raw: unknown, key: ClientKeyView): PreparedItem {
  if (!isObject(raw)) return { ok: false, errors: ['event: must be a JSON object with at least "type" and "data"'] };
  const errors: string[] = [];
  const extensions: Record<string, string> = { clientkey: key.name };
  const rest: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if ((SERVER_SET as readonly string[]).includes(field)) errors.push(`${field}: is set by the event-store for client events; leave it out`);
    else if (!isPageField(field)) rest[field] = value;
    else if (typeof value !== 'string' || value.length === 0 || value.length > PAGE_FIELDS[field].max) errors.push(`${field}: must be a non-empty string of at most ${PAGE_FIELDS[field].max} characters`);
    else extensions[PAGE_FIELDS[field].extension] = value;
  }
  const checked = checkIngestItem(rest);
  if (!checked.ok) return { ok: false, errors: [...checked.errors, ...errors] };
  const { type, data } = checked.event;
  if (!key.types.some((p) => matchesPattern(type, p))) errors.unshift(`type: "${type}" is not allowed for client key "${key.name}"; it accepts ${key.types.join(', ')}`);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, type, data, options: { ...publishOptionsOf(checked.event), source: CLIENT_SOURCE, extensions } };
}
