import { jest } from '@jest/globals';
import { NonRetryableError } from '@app/events';
import type { IndexOperation } from '../mapping/index-mapping.js';
import type { ApplyOutcome } from './sync-applier.js';
import { SyncBatcher } from './sync-batcher.js';

const op = (objectID: string): IndexOperation => ({ index: 'vendors', objectID, action: 'upsert', eventTime: '2025-01-01T00:00:00Z', eventId: objectID });

/** An applier whose batches the test settles by hand. */
class FakeIndex {
  readonly batches: string[][] = [];
  private pending: { resolve: (o: ApplyOutcome[]) => void; reject: (e: unknown) => void; size: number }[] = [];
  readonly apply = (ops: readonly IndexOperation[]) => {
    this.batches.push(ops.map((o) => o.objectID));
    return new Promise<ApplyOutcome[]>((resolve, reject) => this.pending.push({ resolve, reject, size: ops.length }));
  };
  get open() {
    return this.pending.length;
  }
  settle(outcomes?: ApplyOutcome[] | Error) {
    const p = this.pending.shift()!;
    if (outcomes instanceof Error) p.reject(outcomes);
    else p.resolve(outcomes ?? new Array(p.size).fill(undefined));
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));
function track(p: Promise<void>) {
  const s: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  p.then(
    () => (s.state = 'resolved'),
    (error: unknown) => Object.assign(s, { state: 'rejected', error }),
  );
  return s;
}

describe(SyncBatcher.name, () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('waits the flush interval for more operations, then sends them in one batch and resolves after the index accepted it', async () => {
    const index = new FakeIndex();
    const b = new SyncBatcher(index.apply, { maxBatch: 1000, flushIntervalMs: 20, maxInFlight: 1 });
    const all = ['a', 'b', 'c'].map((id) => track(b.add(op(id))));
    jest.advanceTimersByTime(19);
    expect(index.batches).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(index.batches).toEqual([['a', 'b', 'c']]);
    expect(b.backlog).toBe(3);
    await turn();
    expect(all.every((s) => s.state === 'pending')).toBe(true);
    index.settle();
    await turn();
    expect(all.every((s) => s.state === 'resolved')).toBe(true);
    expect(b.stats.lastSuccessAt).toBeDefined();
    expect(b.backlog).toBe(0);
  });

  it('sends a full batch at once, never more than maxBatch, and accumulates while the slots are busy', async () => {
    const index = new FakeIndex();
    const b = new SyncBatcher(index.apply, { maxBatch: 4, flushIntervalMs: 1_000, maxInFlight: 1 });
    const all = Array.from({ length: 10 }, (_, i) => b.add(op(String(i))));
    expect(index.batches).toEqual([['0', '1', '2', '3']]);
    index.settle();
    await turn();
    expect(index.batches[1]).toEqual(['4', '5', '6', '7']);
    index.settle();
    await turn();
    // The rest waited while the slot was busy: it goes as soon as the slot is free, not after another interval.
    expect(index.batches[2]).toEqual(['8', '9']);
    index.settle();
    await Promise.all(all);
    expect(b.stats).toMatchObject({ batches: 3, operations: 10, largestBatch: 4 });
    // A lone operation afterwards waits the interval.
    void b.add(op('x'));
    jest.advanceTimersByTime(999);
    expect(index.batches).toHaveLength(3);
    jest.advanceTimersByTime(1);
    expect(index.batches[3]).toEqual(['x']);
  });

  it('rejects every operation of a batch the index did not accept, and keeps going', async () => {
    const index = new FakeIndex();
    const b = new SyncBatcher(index.apply, { maxBatch: 10, flushIntervalMs: 0, maxInFlight: 1 });
    const down = new Error('Algolia unreachable');
    const batch = ['a', 'b'].map((id) => track(b.add(op(id))));
    jest.advanceTimersByTime(0);
    index.settle(down);
    await turn();
    expect(batch.map((s) => s.error)).toEqual([down, down]);
    expect(b.stats.lastError).toContain('Algolia unreachable');
    const next = track(b.add(op('c')));
    jest.advanceTimersByTime(0);
    index.settle();
    await turn();
    expect(next.state).toBe('resolved');
  });

  it('fails only the operations the index refused, with their reason', async () => {
    const index = new FakeIndex();
    const b = new SyncBatcher(index.apply, { maxBatch: 10, flushIntervalMs: 0, maxInFlight: 1 });
    const refused = new NonRetryableError('record too big');
    const all = ['a', 'b', 'c'].map((id) => track(b.add(op(id))));
    jest.advanceTimersByTime(0);
    index.settle([undefined, refused, undefined]);
    await turn();
    expect(all.map((s) => s.state)).toEqual(['resolved', 'rejected', 'resolved']);
    expect(all[1].error).toBe(refused);
  });

  it('flush() sends what waits without the interval (shutdown)', () => {
    const index = new FakeIndex();
    const b = new SyncBatcher(index.apply, { maxBatch: 10, flushIntervalMs: 60_000, maxInFlight: 1 });
    void b.add(op('a'));
    b.flush();
    expect(index.batches).toEqual([['a']]);
  });

  it('refuses nonsensical options', () => {
    expect(() => new SyncBatcher(async () => [], { maxBatch: 0, flushIntervalMs: 0, maxInFlight: 1 })).toThrow(/maxBatch and maxInFlight must be at least 1/);
  });
});
