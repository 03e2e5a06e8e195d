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

// Batching itself (interval, count, slots, shutdown) is GroupCommit's, specified in libs/events;
// these cover what search-sync adds: the applier's per-operation outcomes and the health record.
describe(SyncBatcher.name, () => {
  it('resolves the operations once the index accepted their batch, and records when', async () => {
    const index = new FakeIndex();
    const b = new SyncBatcher(index.apply, { maxBatch: 1000, flushIntervalMs: 0, maxInFlight: 1 });
    const all = ['a', 'b', 'c'].map((id) => track(b.add(op(id))));
    await turn();
    expect(index.batches).toEqual([['a', 'b', 'c']]);
    expect(b.health.lastSuccessAt).toBeUndefined();
    index.settle();
    await turn();
    expect(all.every((s) => s.state === 'resolved')).toBe(true);
    expect(Date.parse(b.health.lastSuccessAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(b.stats).toMatchObject({ batches: 1, items: 3, committed: 3 });
  });

  it('rejects every operation of a batch the index did not accept, records why, and keeps going', async () => {
    const index = new FakeIndex();
    const b = new SyncBatcher(index.apply, { maxBatch: 10, flushIntervalMs: 0, maxInFlight: 1 });
    const down = new Error('Algolia unreachable');
    const batch = ['a', 'b'].map((id) => track(b.add(op(id))));
    await turn();
    index.settle(down);
    await turn();
    expect(batch.map((s) => s.error)).toEqual([down, down]);
    expect(b.health.lastError).toMatch(/^\d{4}-\d\d-\d\dT.* Algolia unreachable$/);
    const next = track(b.add(op('c')));
    await turn();
    index.settle();
    await turn();
    expect(next.state).toBe('resolved');
  });

  it('fails only the operations the index refused, with their reason', async () => {
    const index = new FakeIndex();
    const b = new SyncBatcher(index.apply, { maxBatch: 10, flushIntervalMs: 0, maxInFlight: 1 });
    const refused = new NonRetryableError('record too big');
    const all = ['a', 'b', 'c'].map((id) => track(b.add(op(id))));
    await turn();
    index.settle([undefined, refused, undefined]);
    await turn();
    expect(all.map((s) => s.state)).toEqual(['resolved', 'rejected', 'resolved']);
    expect(all[1].error).toBe(refused);
    expect(b.stats).toMatchObject({ committed: 2, refused: 1 });
  });

  it('refuses nonsensical options', () => {
    expect(() => new SyncBatcher(async () => [], { maxBatch: 0, flushIntervalMs: 0, maxInFlight: 1 })).toThrow(/maxBatch and maxInFlight must be at least 1/);
  });
});
