import { NonRetryableError } from '@app/events';
import { EventBatcher, type PendingEvent } from './event-batcher.js';
import type { EventRow } from './event-row.js';
import { ESCAPED_MARKER } from './storable-row.js';

// The batching itself (count, bytes, slots, splitting, shutdown) is GroupCommit's, specified in
// libs/events; these cover what the writer adds: PostgreSQL's errors and the escape of foreign text.

const row = (id: string, data: unknown = { id }): EventRow => ({
  id,
  type: 'test.happened',
  source: 'spec',
  level: 'info',
  time: '2025-01-01T00:00:00.000Z',
  received_at: '2025-01-01T00:00:00.001Z',
  data,
  extensions: {},
});
const pending = (id: string, bytes = 10, data?: unknown): PendingEvent => ({ row: row(id, data ?? { id }), bytes });
const pgError = (code: string, message = 'refused') => Object.assign(new Error(message), { code, detail: 'a detail' });

describe(EventBatcher.name, () => {
  it('writes up to 500 rows and 16 MiB per statement, two statements at once, by default', async () => {
    const batches: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const b = new EventBatcher(async (rows) => {
      batches.push(rows.length);
      maxRunning = Math.max(maxRunning, ++running);
      await new Promise((r) => setImmediate(r));
      running--;
    });
    const big = 6 * 1024 * 1024;
    await Promise.all([
      ...Array.from({ length: 1_200 }, (_, i) => b.add(pending(String(i)))),
      ...Array.from({ length: 3 }, (_, i) => b.add(pending(`big${i}`, big))),
    ]);
    expect(batches).toEqual([500, 500, 202, 1]); // the third big event is over the budget with the two before it
    expect(maxRunning).toBe(2);
    expect(b.stats).toMatchObject({ committed: 1_203, largestBatch: 500 });
  });

  it('rejects every row of a batch that failed (database away) with the error, without splitting it', async () => {
    const calls: number[] = [];
    const down = new Error('connect ECONNREFUSED');
    const b = new EventBatcher(async (rows) => {
      calls.push(rows.length);
      throw down;
    });
    const results = await Promise.allSettled(['a', 'b'].map((id) => b.add(pending(id))));
    for (const r of results) expect(r).toEqual({ status: 'rejected', reason: down });
    expect(calls).toEqual([2]);
  });

  it('isolates the rows PostgreSQL refuses for a data reason: they fail as non-retryable with the reason, the others commit', async () => {
    const bad = new Set(['c', 'f']);
    const committed: string[] = [];
    const b = new EventBatcher(async (rows) => {
      if (rows.some((r) => bad.has(r.id))) throw pgError('22008', 'timestamp out of range');
      committed.push(...rows.map((r) => r.id));
    });
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const results = await Promise.allSettled(ids.map((id) => b.add(pending(id))));
    results.forEach((r, i) => {
      if (!bad.has(ids[i])) return expect(r.status).toBe('fulfilled');
      const reason = (r as PromiseRejectedResult).reason as Error;
      expect(reason).toBeInstanceOf(NonRetryableError);
      expect(reason.message).toBe(`PostgreSQL refused event ${ids[i]}: timestamp out of range (a detail) [SQLSTATE 22008]`);
    });
    expect(committed.sort()).toEqual(['a', 'b', 'd', 'e', 'g', 'h']);
    expect(b.stats.refused).toBe(2);
  });

  it('shortens an over-long id in the refusal', async () => {
    const b = new EventBatcher(async () => {
      throw pgError('22001', 'value too long');
    });
    const id = 'x'.repeat(200);
    await expect(b.add(pending(id))).rejects.toThrow(`PostgreSQL refused event ${'x'.repeat(40)}… (200 characters): value too long`);
  });

  it('stores a lone refused row with its unstorable text escaped, marked as such', async () => {
    const written: EventRow[][] = [];
    const b = new EventBatcher(async (rows) => {
      written.push(rows);
      if (rows.some((r) => (r.data as { text?: string }).text?.includes('\0'))) throw pgError('22P05', 'unsupported Unicode escape sequence');
    });
    await expect(b.add(pending('nul', 10, { text: 'a\0b' }))).resolves.toBeUndefined();
    expect(written).toHaveLength(2);
    expect(written[1][0].data).toEqual({ text: 'a\\u0000b' });
    expect(written[1][0].extensions[ESCAPED_MARKER]).toEqual(['data.text']);
  });

  it('fails a lone refused row with nothing to escape as non-retryable, after one statement', async () => {
    let calls = 0;
    const b = new EventBatcher(async () => {
      calls++;
      throw pgError('23502');
    });
    await expect(b.add(pending('x'))).rejects.toBeInstanceOf(NonRetryableError);
    expect(calls).toBe(1);
  });

  it('rejects with the original error when the database goes away while a refused batch is being split', async () => {
    let calls = 0;
    const down = pgError('57P01', 'terminating connection due to administrator command');
    const b = new EventBatcher(async () => {
      calls++;
      throw calls === 1 ? pgError('22008', 'timestamp out of range') : down;
    });
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((id) => b.add(pending(id))));
    for (const r of results) expect(r).toEqual({ status: 'rejected', reason: down });
  });

  it('refuses nonsensical options', () => {
    expect(() => new EventBatcher(async () => undefined, { maxBatch: 0 })).toThrow(/maxBatch and maxInFlight must be at least 1/);
  });
});
