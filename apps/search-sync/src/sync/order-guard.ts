import type { IndexOperation } from '../mapping/index-mapping.js';

/**
 * An event's place in a resource's history: its own `time`, then its id to break ties. Stream
 * sequence cannot tell (a replayed or outbox-relayed old event gets a new one). `time` is RFC 3339
 * with up to nanoseconds, which `Date` would cut to milliseconds, so the fraction is kept apart.
 */
export function eventOrderKey(time: string, id: string): [ms: number, subMs: number, id: string] {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`"${time}" is not an RFC 3339 time`);
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? '';
  return [ms, Number(fraction.slice(3, 9).padEnd(6, '0')), id];
}

/** Negative when `a` happened before `b`, positive after, 0 for the same event. */
export function compareEvents(a: Pick<IndexOperation, 'eventTime' | 'eventId'>, b: Pick<IndexOperation, 'eventTime' | 'eventId'>): number {
  const ta = a.eventTime;
  const tb = b.eventTime;
  // Two UTC times of one layout (what producers write: toISOString()) order as text, digit by
  // digit, with no parsing: every field is fixed width and the fractions are equally long.
  if (ta.length === tb.length && ta.charCodeAt(ta.length - 1) === Z && tb.charCodeAt(tb.length - 1) === Z && ta.charCodeAt(10) === tb.charCodeAt(10) && RFC3339_UTC.test(ta) && RFC3339_UTC.test(tb)) {
    return ta < tb ? -1 : ta > tb ? 1 : compareIds(a.eventId, b.eventId);
  }
  return compareKeys(eventOrderKey(ta, a.eventId), eventOrderKey(tb, b.eventId));
}

const Z = 'Z'.charCodeAt(0);
/**
 * The layout the text comparison above may be used for: fields in range (else the parse below
 * refuses the time, as before), seconds to 59 (a leap second would sort as text, not as an instant).
 * A day past its month's end (02-30) passes; PostgreSQL refuses that record alone anyway.
 */
const RFC3339_UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/;

export const operationKey = (op: Pick<IndexOperation, 'index' | 'objectID'>): string => `${op.index}\u0000${op.objectID}`;

/** What a guarded upsert answers: how many rows won, and their keys only when some lost. */
export interface GuardAnswer {
  n: number;
  won: [index: string, objectID: string][] | null;
}

/** The operations that won, from a guarded upsert's answer (`ops` holds one operation per object). */
export function winners<T extends IndexOperation>(ops: readonly T[], { n, won }: GuardAnswer): T[] {
  // Keys are unique in `ops` and every returned row is one of them: all won needs no lookup.
  if (n === ops.length) return [...ops];
  const keys = new Set((won ?? []).map(([index, objectID]) => operationKey({ index, objectID })));
  return ops.filter((op) => keys.has(operationKey(op)));
}

/**
 * The newest operation per (index, objectID) of a batch: only it can change the index, the others
 * are already overtaken. Winners come back sorted by key (index, then objectID), so concurrent
 * batches lock guard rows in the same order. Objects are grouped per index (a batch seldom spans
 * more than one), so no key string is built per operation.
 */
export function newestPerObject<T extends IndexOperation>(ops: readonly T[]): T[] {
  const byIndex = new Map<string, Map<string, T>>();
  for (const op of ops) {
    let objects = byIndex.get(op.index);
    if (!objects) byIndex.set(op.index, (objects = new Map()));
    const seen = objects.get(op.objectID);
    if (seen === undefined || compareEvents(op, seen) > 0) objects.set(op.objectID, op);
  }
  const newest: T[] = [];
  for (const index of [...byIndex.keys()].sort()) {
    const objects = byIndex.get(index)!;
    for (const objectID of [...objects.keys()].sort()) newest.push(objects.get(objectID)!);
  }
  return newest;
}

function compareKeys([am, as, ai]: ReturnType<typeof eventOrderKey>, [bm, bs, bi]: ReturnType<typeof eventOrderKey>): number {
  return am - bm || as - bs || compareIds(ai, bi);
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
