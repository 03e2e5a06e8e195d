import { Registry } from 'prom-client';
import { GroupCommit } from './group-commit.js';
import { groupCommitMetrics } from './group-commit.metrics.js';
import type { BatchReport, GroupCommitOptions } from './group-commit.options.js';
import { GroupCommitClosedError, ItemFailure, type ItemResult } from './item-result.js';

/** A writer whose writes the test settles by hand, recording every batch and the peak concurrency. */
class HandWriter<R = void> {
  readonly batches: number[][] = [];
  running = 0;
  maxRunning = 0;
  private pending: { resolve: (r: readonly ItemResult<R>[] | undefined) => void; reject: (e: unknown) => void }[] = [];

  readonly write = (items: number[]): Promise<readonly ItemResult<R>[] | undefined> => {
    this.batches.push([...items]);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<readonly ItemResult<R>[] | undefined>((resolve, reject) => this.pending.push({ resolve, reject })).finally(() => this.running--);
  };

  get open(): number {
    return this.pending.length;
  }

  /** Settles the oldest running write: with per-item results, with nothing (all fine), or failed. */
  settle(outcome?: readonly ItemResult<R>[] | Error): void {
    const p = this.pending.shift();
    if (!p) throw new Error('no write is running');
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** A promise's state, read without awaiting it. */
function track<R>(p: Promise<R>) {
  const s: { state: 'pending' | 'resolved' | 'rejected'; value?: R; error?: unknown } = { state: 'pending' };
  p.then(
    (value) => Object.assign(s, { state: 'resolved', value }),
    (error: unknown) => Object.assign(s, { state: 'rejected', error }),
  );
  return s;
}

const opts = (o: Partial<GroupCommitOptions<number>> = {}): GroupCommitOptions<number> => ({ name: 'spec', maxBatch: 500, maxInFlight: 1, ...o });

describe(GroupCommit.name, () => {
  describe('forming batches', () => {
    it('writes what one turn of the event loop handed over as one batch, at once, and resolves only after the write', async () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts(), w.write);
      const items = [1, 2, 3].map((n) => track(c.add(n)));
      await turn();
      expect(w.batches).toEqual([[1, 2, 3]]);
      await turn();
      expect(items.map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
      w.settle();
      await turn();
      expect(items.map((s) => s.state)).toEqual(['resolved', 'resolved', 'resolved']);
      expect(c.stats).toMatchObject({ batches: 1, items: 3, committed: 3, largestBatch: 3 });
    });

    it('starts a batch as soon as maxBatch items wait, without waiting for the turn to end', () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts({ maxBatch: 3, maxInFlight: 2 }), w.write);
      [1, 2, 3, 4].forEach((n) => void c.add(n));
      expect(w.batches).toEqual([[1, 2, 3]]); // synchronously, on the third add
    });

    it('keeps batches within the byte budget, one item at least even when it alone is over', async () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts({ maxBatchBytes: 100, sizeOf: (n) => n }), w.write);
      const all = [60, 30, 20, 150, 10, 90].map((n) => c.add(n));
      for (let i = 0; i < 4; i++) {
        await turn();
        w.settle();
      }
      await Promise.all(all);
      expect(w.batches).toEqual([[60, 30], [20], [150], [10, 90]]);
    });

    it('waits flushIntervalMs after the first item for company, then writes them together', async () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts({ flushIntervalMs: 60 }), w.write);
      const started = Date.now();
      const first = c.add(1);
      await sleep(20);
      const second = c.add(2);
      await turn();
      expect(w.batches).toEqual([]);
      await until('the interval to pass', () => w.batches.length === 1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(59);
      expect(w.batches).toEqual([[1, 2]]);
      w.settle();
      await Promise.all([first, second]);
    });

    it('flush() sends what waits now instead of after the interval', async () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts({ flushIntervalMs: 60_000 }), w.write);
      const p = c.add(1);
      c.flush();
      expect(w.batches).toEqual([[1]]);
      w.settle();
      await p;
    });

    it('keeps the items of a batch in the order they were added, and hands each caller its own result', async () => {
      const c = new GroupCommit<number, string>(opts(), async (items) => items.map((n) => `#${n}`));
      const results = await Promise.all([5, 3, 9, 1].map((n) => c.add(n)));
      expect(results).toEqual(['#5', '#3', '#9', '#1']);
    });
  });

  describe('concurrency', () => {
    it('never runs more than maxInFlight writes; what arrives meanwhile goes in one batch when a slot frees', async () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts({ maxInFlight: 2 }), w.write);
      const all = [c.add(0)];
      await turn();
      all.push(c.add(1));
      await turn();
      expect(c.running).toBe(2);
      for (let n = 2; n < 8; n++) all.push(c.add(n));
      await turn();
      expect(w.batches).toEqual([[0], [1]]);
      expect(c.waiting).toBe(6);
      expect(c.backlog).toBe(8);
      w.settle();
      await turn();
      expect(w.batches).toEqual([[0], [1], [2, 3, 4, 5, 6, 7]]);
      w.settle();
      w.settle();
      await Promise.all(all);
      expect(w.maxRunning).toBe(2);
      await turn(); // the slots are given back just after the items settle
      expect(c.backlog).toBe(0);
      expect(c.running).toBe(0);
    });

    it('bounds what a freed slot takes by maxBatch and keeps the rest for the next', async () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts({ maxBatch: 2 }), w.write);
      const all = [c.add(0)];
      await turn();
      all.push(...[1, 2, 3, 4, 5].map((n) => c.add(n)));
      while (w.batches.length < 4 || w.open > 0) {
        await turn();
        if (w.open > 0) w.settle();
      }
      await Promise.all(all);
      expect(w.batches).toEqual([[0], [1, 2], [3, 4], [5]]);
      expect(w.maxRunning).toBe(1);
    });
  });

  describe('failures', () => {
    it('rejects every item of a batch that failed as a whole, with the error, and carries on afterwards', async () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts({ isolate: (e) => (e as Error).message === 'bad data' }), w.write);
      const down = new Error('connection refused');
      const failed = [1, 2, 3].map((n) => track(c.add(n)));
      await turn();
      w.settle(down);
      await turn();
      expect(failed.map((s) => [s.state, s.error])).toEqual([1, 2, 3].map(() => ['rejected', down]));
      expect(w.batches).toEqual([[1, 2, 3]]); // not split: isolate said the error is not the items'
      expect(c.stats.failedBatches).toBe(1);

      const next = c.add(4);
      await turn();
      w.settle();
      await expect(next).resolves.toBeUndefined();
    });

    it('splits a batch whose error isolate() blames on an item, down to single items, so only the bad ones are refused', async () => {
      const bad = new Set([3, 6]);
      const writes: number[][] = [];
      const c = new GroupCommit(
        opts({
          isolate: (e) => (e as Error).message === 'bad data',
          refuse: (n, e) => new Error(`item ${n} refused: ${(e as Error).message}`),
        }),
        async (items) => {
          writes.push(items);
          if (items.some((n) => bad.has(n))) throw new Error('bad data');
        },
      );
      const items = [1, 2, 3, 4, 5, 6, 7, 8];
      const results = await Promise.allSettled(items.map((n) => c.add(n)));
      results.forEach((r, i) => {
        const n = items[i];
        if (bad.has(n)) expect(r).toEqual({ status: 'rejected', reason: new Error(`item ${n} refused: bad data`) });
        else expect(r.status).toBe('fulfilled');
      });
      // Each good item written successfully exactly once; far fewer writes than one per item and retry.
      const committed = writes.filter((b) => !b.some((n) => bad.has(n))).flat();
      expect(committed.sort()).toEqual([1, 2, 4, 5, 7, 8]);
      expect(writes.length).toBeLessThan(items.length * 2);
      expect(c.stats).toMatchObject({ refused: 2, committed: 6, batches: 1 });
      expect(c.stats.splits).toBeGreaterThan(0);
    });

    it('refuses a lone item at fault with the writer error when no refuse() is given, without retrying it', async () => {
      let calls = 0;
      const bad = new Error('bad data');
      const c = new GroupCommit(opts({ isolate: () => true }), async () => {
        calls++;
        throw bad;
      });
      await expect(c.add(1)).rejects.toBe(bad);
      expect(calls).toBe(1);
    });

    it('rejects with the new error when the store goes away while a batch is being split', async () => {
      let calls = 0;
      const down = new Error('connection lost');
      const c = new GroupCommit(opts({ isolate: (e) => (e as Error).message === 'bad data' }), async () => {
        calls++;
        throw calls === 1 ? new Error('bad data') : down;
      });
      const results = await Promise.allSettled([1, 2, 3, 4].map((n) => c.add(n)));
      for (const r of results) expect(r).toEqual({ status: 'rejected', reason: down });
    });

    it('refuses single items the writer marks as ItemFailure; the others of the batch get their results', async () => {
      const w = new HandWriter<string>();
      const c = new GroupCommit<number, string>(opts(), (items) => w.write(items).then((r) => r ?? []));
      const why = new Error('item 2 invalid');
      const all = [1, 2, 3].map((n) => track(c.add(n)));
      await turn();
      w.settle(['one', new ItemFailure(why), 'three']);
      await turn();
      expect(all.map((s) => [s.state, s.value ?? s.error])).toEqual([
        ['resolved', 'one'],
        ['rejected', why],
        ['resolved', 'three'],
      ]);
      expect(c.stats).toMatchObject({ committed: 2, refused: 1 });
    });

    it('rejects the whole batch when the writer returns a result count that does not match the items', async () => {
      const w = new HandWriter<string>();
      const c = new GroupCommit<number, string>(opts(), (items) => w.write(items).then((r) => r ?? []));
      const all = [1, 2].map((n) => c.add(n));
      await turn();
      w.settle(['only one']);
      for (const p of all) await expect(p).rejects.toThrow('the writer returned 1 results for 2 items');
    });

    it('rejects the items still unsettled when a callback throws, instead of losing the error', async () => {
      const c = new GroupCommit(
        opts({
          isolate: () => {
            throw new Error('isolate broke');
          },
        }),
        async () => {
          throw new Error('write failed');
        },
      );
      await expect(c.add(1)).rejects.toThrow('isolate broke');
      expect(c.running).toBe(0);
    });
  });

  describe('shutdown', () => {
    it('drain() writes what is queued at once, waits for the writes in flight, and refuses new items clearly', async () => {
      const w = new HandWriter();
      const c = new GroupCommit(opts({ flushIntervalMs: 60_000, maxBatch: 2 }), w.write);
      const inFlight = [c.add(1), c.add(2)].map(track); // a full batch: goes at once
      const queued = [c.add(3)].map(track); // waits for the (long) interval and the slot
      expect(w.batches).toEqual([[1, 2]]);

      const drained = track(c.drain());
      await expect(c.add(4)).rejects.toBeInstanceOf(GroupCommitClosedError);
      await expect(c.add(4)).rejects.toThrow('GroupCommit spec is draining for shutdown and takes no new items');
      await turn();
      expect(drained.state).toBe('pending');

      w.settle();
      await turn();
      expect(w.batches).toEqual([[1, 2], [3]]); // the queued item went without waiting out the interval
      expect(drained.state).toBe('pending');
      w.settle(new Error('store away')); // its failure belongs to its caller, not to drain()
      await turn();
      expect(drained.state).toBe('resolved');
      expect(inFlight.map((s) => s.state)).toEqual(['resolved', 'resolved']);
      expect(queued[0].state).toBe('rejected');
      expect(c.drain()).toBe(c.drain());
    });

    it('drain() of an idle commit resolves at once', async () => {
      const c = new GroupCommit(opts(), async () => undefined);
      await c.add(1);
      await expect(c.drain()).resolves.toBeUndefined();
    });
  });

  describe('metrics', () => {
    it('reports every write with its size, its oldest item wait and its outcome', async () => {
      const reports: BatchReport[] = [];
      let fail = false;
      const c = new GroupCommit(opts({ name: 'rows', flushIntervalMs: 30, onBatch: (r) => reports.push(r) }), async () => {
        if (fail) throw new Error('down');
      });
      await Promise.all([c.add(1), c.add(2)]);
      fail = true;
      await expect(c.add(3)).rejects.toThrow('down');
      expect(reports.map(({ name, size, outcome }) => ({ name, size, outcome }))).toEqual([
        { name: 'rows', size: 2, outcome: 'committed' },
        { name: 'rows', size: 1, outcome: 'failed' },
      ]);
      expect(reports[0].waitMs).toBeGreaterThanOrEqual(25);
      expect(reports[0].writeMs).toBeGreaterThanOrEqual(0);
    });

    it('groupCommitMetrics records sizes and waits per commit on one registry, shared by several commits', async () => {
      const registry = new Registry();
      const a = new GroupCommit(opts({ name: 'a', onBatch: groupCommitMetrics(registry) }), async () => undefined);
      const b = new GroupCommit(opts({ name: 'b', onBatch: groupCommitMetrics(registry) }), async () => undefined);
      await Promise.all([a.add(1), a.add(2), b.add(3)]);
      const text = await registry.metrics();
      expect(text).toContain('mesh_group_commit_batch_items_sum{commit="a",outcome="committed"} 2');
      expect(text).toContain('mesh_group_commit_batch_items_sum{commit="b",outcome="committed"} 1');
      expect(text).toContain('mesh_group_commit_wait_seconds_count{commit="a"} 1');
    });
  });

  it('refuses options that would never write', () => {
    const write = async () => undefined;
    expect(() => new GroupCommit(opts({ maxBatch: 0 }), write)).toThrow(/maxBatch and maxInFlight must be at least 1/);
    expect(() => new GroupCommit(opts({ maxInFlight: 0 }), write)).toThrow(/GroupCommit spec/);
    expect(() => new GroupCommit(opts({ maxBatchBytes: 10 }), write)).toThrow(/with a sizeOf/);
  });
});
