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
  return compareKeys(eventOrderKey(a.eventTime, a.eventId), eventOrderKey(b.eventTime, b.eventId));
}

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
 * are already overtaken. Winners come back sorted by key, so concurrent batches lock guard rows in
 * the same order. An operation's order key is computed only when its object repeats, once.
 */
export function newestPerObject<T extends IndexOperation>(ops: readonly T[]): T[] {
  const newest = new Map<string, { op: T; key?: ReturnType<typeof eventOrderKey> }>();
  for (const op of ops) {
    const k = operationKey(op);
    const seen = newest.get(k);
    if (!seen) {
      newest.set(k, { op });
      continue;
    }
    seen.key ??= eventOrderKey(seen.op.eventTime, seen.op.eventId);
    const key = eventOrderKey(op.eventTime, op.eventId);
    if (compareKeys(key, seen.key) > 0) newest.set(k, { op, key });
  }
  const keys = [...newest.keys()].sort();
  return keys.map((k) => newest.get(k)!.op);
}

function compareKeys([am, as, ai]: ReturnType<typeof eventOrderKey>, [bm, bs, bi]: ReturnType<typeof eventOrderKey>): number {
  return am - bm || as - bs || (ai < bi ? -1 : ai > bi ? 1 : 0);
}
