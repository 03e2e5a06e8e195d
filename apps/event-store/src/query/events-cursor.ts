/** Where a page ended: the `(time, id)` of its last row, time in UTC with PostgreSQL's microseconds. */
export interface EventCursor {
  time: string;
  id: string;
}

// The id is any CloudEvents id (1–256 characters, `|` included): everything after the time's `|`.
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([\s\S]{1,256})$/u;

/** Opaque to clients: base64url of `time|id`. */
export const encodeCursor = (cursor: EventCursor): string => Buffer.from(`${cursor.time}|${cursor.id}`, 'utf8').toString('base64url');

/** The cursor, or undefined when `value` is not one this API handed out. */
export function decodeCursor(value: string): EventCursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const match = CURSOR.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match || Number.isNaN(Date.parse(match[1]))) return undefined;
  return { time: match[1], id: match[2] };
}
