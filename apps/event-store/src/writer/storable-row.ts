import { EventRow } from './event-row.js';

/**
 * Extension that marks a row whose text was escaped to be storable: the JSON paths of the envelope
 * that changed. CloudEvents extension names are lowercase letters and digits.
 */
export const ESCAPED_MARKER = 'meshescaped';

const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The columns of text that come from the envelope, with the attribute each holds. */
const TEXT_COLUMNS = [
  ['subject', 'subject'], ['resource_type', 'resourcetype'], ['resource_id', 'resourceid'], ['audience', 'audience'],
  ['actor', 'actor'], ['correlation_id', 'correlationid'], ['causation_id', 'causationid'], ['dataschema', 'dataschema'],
  ['source', 'source'], ['type', 'type'],
] as const;

function clean(value: unknown, path: string, changed: string[]): unknown {
  if (typeof value === 'string') {
    const fixed = value.replace(UNSTORABLE, escape);
    if (fixed !== value) changed.push(path);
    return fixed;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v, i) => clean(v, `${path}[${i}]`, changed));
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, child] of Object.entries(value)) {
    const fixedKey = clean(key, `${path} (a key)`, changed) as string;
    out[fixedKey] = clean(child, `${path}.${key}`, changed);
  }
  return out;
}

/**
 * A foreign publisher (one that bypassed EventsService) may send text PostgreSQL cannot store: a
 * NUL or a lone surrogate. Rather than leave a permanent hole in the history, the row keeps the
 * event with each such character written out as its six-character escape (`\u0000`, `\ud800`) and
 * lists the changed paths in the `meshescaped` extension, so a reader can tell an escape we wrote
 * from one the publisher sent. Returns undefined when nothing needed escaping.
 */
export function storableRow(row: EventRow): EventRow | undefined {
  const changed: string[] = [];
  const fixed: EventRow = { ...row, data: clean(row.data, 'data', changed), extensions: clean(row.extensions, '', changed) as Record<string, unknown> };
  for (const [column, attribute] of TEXT_COLUMNS) {
    const value = row[column];
    if (typeof value === 'string') (fixed as unknown as Record<string, unknown>)[column] = clean(value, attribute, changed);
  }
  if (changed.length === 0) return undefined;
  fixed.extensions = { ...fixed.extensions, [ESCAPED_MARKER]: changed.map((p) => p.replace(/^\./, '')) };
  return fixed;
}
