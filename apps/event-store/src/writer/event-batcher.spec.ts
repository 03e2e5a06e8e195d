import { NonRetryableError } from '@app/events';
import { EventBatcher } from './event-batcher.js';
import type { EventRow } from './event-row.js';

const row = (id: string): EventRow => ({
  id,
  type: 'test.happened',
  source: 'spec',
  level: 'info',
  time: '2025-01-01T00:00:00.000Z',
  received_at: '2025-01-01T00:00:00.001Z',
  data: { id },
  extensions: {},
});

/** A RowWriter whose writes the test settles by hand, recording every batch. */
class FakeWriter {
  readonly batches: string[][] = [];
  private pending: { ids: string[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  running = 0;
  maxRunning = 0;

  readonly write = (rows: EventRow[]): Promise<void> => {
    const ids = rows.map((r) => r.id);
    this.batches.push(ids);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<void>((resolve, reject) => this.pending.push({ ids, resolve, reject })).finally(() => this.running--);
  };

  get open(): number {
    return this.pending.length;
  }

  /** Settles the oldest running write. */
  settle(err?: unknown): string[] {
    const p = this.pending.shift();
    if (!p) throw new Error('no write is running');
    if (err) p.reject(err);
    else p.resolve();
    return p.ids;
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));
const pgError = (code: string, message = 'refused') => Object.assign(new Error(message), { code, detail: 'a detail' });

/** Tracks a promise's state without awaiting it. */
function track(p: Promise<void>) {
  const state: { settled: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { settled: 'pending' };
  p.then(
    () => (state.settled = 'resolved'),
    (error: unknown) => Object.assign(state, { settled: 'rejected', error }),
  );
  return state;
}

describe(EventBatcher.name, () => {
  it('writes a lone row at once, without waiting out a timer, and resolves only after the write committed', async () => {
    const w = new FakeWriter();
    const b = new EventBatcher(w.write);
    const done = track(b.add(row('a')));
    await turn();
    expect(w.batches).toEqual([['a']]);
    expect(done.settled).toBe('pending');
    w.settle();
    await turn();
    expect(done.settled).toBe('resolved');
  });

  it('puts rows handed over in the same turn into one statement', async () => {
    const w = new FakeWriter();
    const b = new EventBatcher(w.write);
    const all = ['a', 'b', 'c'].map((id) => b.add(row(id)));
    await turn();
    expect(w.batches).toEqual([['a', 'b', 'c']]);
    w.settle();
    await Promise.all(all);
  });

  it('keeps at most maxInFlight writes running and accumulates the rest into the next batch (group commit)', async () => {
    const w = new FakeWriter();
    const b = new EventBatcher(w.write, { maxInFlight: 2, maxBatch: 500 });
    const p1 = track(b.add(row('1')));
    await turn();
    const p2 = track(b.add(row('2')));
    await turn();
    expect(w.batches).toEqual([['1'], ['2']]); // a free slot writes at once
    const later = ['3', '4', '5', '6'].map((id) => track(b.add(row(id))));
    await turn();
    expect(w.open).toBe(2);
    expect(b.waiting).toBe(4);
    w.settle();
    await turn();
    expect(p1.settled).toBe('resolved');
    expect(p2.settled).toBe('pending');
    expect(w.batches[2]).toEqual(['3', '4', '5', '6']);
    expect(later.every((s) => s.settled === 'pending')).toBe(true);
    w.settle();
    w.settle();
    await turn();
    expect(later.every((s) => s.settled === 'resolved')).toBe(true);
    expect(w.maxRunning).toBe(2);
  });

  it('never puts more than maxBatch rows in one statement', async () => {
    const w = new FakeWriter();
    const b = new EventBatcher(w.write, { maxInFlight: 2, maxBatch: 500 });
    const all = Array.from({ length: 1_700 }, (_, i) => b.add(row(String(i))));
    await turn();
    expect(w.batches.map((x) => x.length)).toEqual([500, 500]);
    while (w.open > 0) {
      w.settle();
      await turn();
    }
    await Promise.all(all);
    expect(w.batches.map((x) => x.length)).toEqual([500, 500, 500, 200]);
    expect(w.batches.flat()).toEqual(Array.from({ length: 1_700 }, (_, i) => String(i)));
    expect(b.stats).toMatchObject({ batches: 4, rows: 1_700, committed: 1_700, largestBatch: 500 });
  });

  it('keeps a statement within the byte budget, one row at least', async () => {
    const w = new FakeWriter();
    const b = new EventBatcher(w.write, { maxInFlight: 1, maxBatch: 500, maxBatchBytes: 1_000 });
    const all = [400, 400, 400, 5_000, 100, 100].map((bytes, i) => b.add(row(String(i)), bytes));
    await turn();
    while (w.open > 0) {
      w.settle();
      await turn();
    }
    await Promise.all(all);
    expect(w.batches).toEqual([['0', '1'], ['2'], ['3'], ['4', '5']]);
  });

  it('rejects every row of a batch that failed (database away) with the error, and keeps going afterwards', async () => {
    const w = new FakeWriter();
    const b = new EventBatcher(w.write);
    const down = new Error('connect ECONNREFUSED');
    const batch = ['a', 'b'].map((id) => track(b.add(row(id))));
    await turn();
    w.settle(down);
    await turn();
    expect(batch.map((s) => s.settled)).toEqual(['rejected', 'rejected']);
    expect(batch[0].error).toBe(down);
    expect(w.batches).toEqual([['a', 'b']]); // not retried row by row: not a data error

    const next = b.add(row('c'));
    await turn();
    w.settle();
    await expect(next).resolves.toBeUndefined();
  });

  it('isolates the rows PostgreSQL refuses for a data reason: they fail as non-retryable, the others commit', async () => {
    const bad = new Set(['c', 'f']);
    const batches: string[][] = [];
    const b = new EventBatcher(async (rows) => {
      batches.push(rows.map((r) => r.id));
      if (rows.some((r) => bad.has(r.id))) throw pgError('22P05', 'unsupported Unicode escape sequence');
    });
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const results = await Promise.allSettled(ids.map((id) => b.add(row(id))));
    const byId = Object.fromEntries(ids.map((id, i) => [id, results[i]]));
    for (const id of ids.filter((i) => !bad.has(i))) expect(byId[id].status).toBe('fulfilled');
    for (const id of bad) {
      const r = byId[id] as PromiseRejectedResult;
      expect(r.status).toBe('rejected');
      expect(r.reason).toBeInstanceOf(NonRetryableError);
      expect(r.reason.message).toBe(`PostgreSQL refused event ${id}: unsupported Unicode escape sequence (a detail) [SQLSTATE 22P05]`);
    }
    // Every good row was committed exactly once.
    const committed = batches.filter((x) => !x.some((id) => bad.has(id))).flat();
    expect(committed.sort()).toEqual(ids.filter((i) => !bad.has(i)));
    expect(batches.length).toBeLessThan(ids.length * 2);
    expect(b.stats.refused).toBe(2);
  });

  it('fails a lone refused row as non-retryable without retrying it', async () => {
    let calls = 0;
    const b = new EventBatcher(async () => {
      calls++;
      throw pgError('23502');
    });
    await expect(b.add(row('x'))).rejects.toBeInstanceOf(NonRetryableError);
    expect(calls).toBe(1);
  });

  it('rejects with the original error when the database goes away while a refused batch is being split', async () => {
    let calls = 0;
    const down = pgError('57P01', 'terminating connection due to administrator command');
    const b = new EventBatcher(async () => {
      calls++;
      throw calls === 1 ? pgError('22008', 'timestamp out of range') : down;
    });
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((id) => b.add(row(id))));
    for (const r of results) expect(r).toEqual({ status: 'rejected', reason: down });
  });

  it('refuses nonsensical options', () => {
    expect(() => new EventBatcher(async () => undefined, { maxBatch: 0 })).toThrow(/maxBatch and maxInFlight must be at least 1/);
  });
});
