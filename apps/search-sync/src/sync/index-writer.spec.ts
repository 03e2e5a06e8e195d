import { NonRetryableError } from '@app/events';
import type { IndexOperation } from '../mapping/index-mapping.js';
import type { ApplyOutcome } from './sync-applier.js';
import { IndexWriter } from './index-writer.js';

const op = (objectID: string): IndexOperation => ({ index: 'vendors', objectID, action: 'upsert', eventTime: '2025-01-01T00:00:00Z', eventId: objectID });

/** An applier answering each call from a script: outcomes per operation, or an error for the whole call. */
function scriptedIndex(answers: (ApplyOutcome[] | Error | undefined)[]) {
  const calls: string[][] = [];
  const apply = async (ops: readonly IndexOperation[]) => {
    calls.push(ops.map((o) => o.objectID));
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return answer ?? new Array<ApplyOutcome>(ops.length).fill(undefined);
  };
  return { calls, apply };
}

const refusals = () => {
  const got: [number, unknown][] = [];
  return { got, refuse: (j: number, err: unknown) => got.push([j, err]) };
};

// What search-sync adds around the applier: provider calls of at most maxBatch, per-operation
// outcomes handed back by position, the health record and the batch reports.
describe(IndexWriter.name, () => {
  it('sends the operations in calls of at most maxBatch, one after the other, and records when the index accepted', async () => {
    const index = scriptedIndex([]);
    const reports: unknown[] = [];
    const w = new IndexWriter(index.apply, 2, (r) => reports.push(r));
    const { got, refuse } = refusals();
    await w.write(['a', 'b', 'c', 'd', 'e'].map(op), performance.now(), refuse);
    expect(index.calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(got).toEqual([]);
    expect(w.stats).toEqual({ batches: 3, items: 5, largestBatch: 2 });
    expect(w.backlog).toBe(0);
    expect(Date.parse(w.health.lastSuccessAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(reports).toEqual([2, 2, 1].map((size) => expect.objectContaining({ name: 'search-sync', size, outcome: 'committed' })));
  });

  it('refuses only the operations the index refused, by their position, with their reason', async () => {
    const tooBig = new NonRetryableError('record too big');
    const index = scriptedIndex([[undefined, undefined], [tooBig, undefined]]);
    const w = new IndexWriter(index.apply, 2);
    const { got, refuse } = refusals();
    await w.write(['a', 'b', 'c', 'd'].map(op), performance.now(), refuse);
    expect(got).toEqual([[2, tooBig]]);
  });

  it('when a call fails as a whole, refuses its operations and every later one without sending them, and records why', async () => {
    const down = new Error('Algolia unreachable');
    const index = scriptedIndex([undefined, down]);
    const reports: { outcome: string }[] = [];
    const w = new IndexWriter(index.apply, 2, (r) => reports.push(r));
    const { got, refuse } = refusals();
    await w.write(['a', 'b', 'c', 'd', 'e'].map(op), performance.now(), refuse);
    expect(index.calls).toEqual([['a', 'b'], ['c', 'd']]);
    expect(got).toEqual([[2, down], [3, down], [4, down]]);
    expect(w.health.lastError).toMatch(/^\d{4}-\d\d-\d\dT.* Algolia unreachable$/);
    expect(reports.map((r) => r.outcome)).toEqual(['committed', 'failed']);
    expect(w.backlog).toBe(0);
  });

  it('counts the operations being sent as its backlog', async () => {
    let release!: () => void;
    const w = new IndexWriter(() => new Promise<ApplyOutcome[]>((resolve) => (release = () => resolve([undefined, undefined, undefined]))), 10);
    const done = w.write(['a', 'b', 'c'].map(op), performance.now(), () => undefined);
    expect(w.backlog).toBe(3);
    release();
    await done;
    expect(w.backlog).toBe(0);
  });

  it('refuses a nonsensical batch size', () => {
    expect(() => new IndexWriter(async () => [], 0)).toThrow(/maxBatch must be an integer of at least 1/);
  });
});
