import { NonRetryableError, type BatchReport } from '@app/events';
import { EventWriter } from './event-writer.js';
import type { EventRow } from './event-row.js';
import { ESCAPED_MARKER } from './storable-row.js';

// Forming batches (count, bytes, slots, shutdown) is the transport's (@EventBatchPattern, specified in
// libs/events); these cover what the writer adds: PostgreSQL's errors, the splits, the escape of foreign text.

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
const rows = (...ids: string[]) => ids.map((id) => row(id));
const pgError = (code: string, message = 'refused') => Object.assign(new Error(message), { code, detail: 'a detail' });

describe(EventWriter.name, () => {
  it('writes the whole batch in one statement and reports it', async () => {
    const statements: string[][] = [];
    const reports: BatchReport[] = [];
    const w = new EventWriter(async (r) => void statements.push(r.map((x) => x.id)), (r) => reports.push(r));
    await expect(w.write(rows('a', 'b', 'c'))).resolves.toEqual(new Map());
    expect(statements).toEqual([['a', 'b', 'c']]);
    expect(reports).toEqual([expect.objectContaining({ name: 'event-store', size: 3, outcome: 'committed' })]);
    expect(w.stats).toMatchObject({ batches: 1, items: 3, committed: 3, largestBatch: 3, refused: 0 });
  });

  it('rejects with the error when the statement failed (database away), without splitting it', async () => {
    const calls: number[] = [];
    const down = new Error('connect ECONNREFUSED');
    const w = new EventWriter(async (r) => {
      calls.push(r.length);
      throw down;
    });
    await expect(w.write(rows('a', 'b'))).rejects.toBe(down);
    expect(calls).toEqual([2]);
    expect(w.stats.failedBatches).toBe(1);
    expect(w.running).toBe(0);
  });

  it('isolates the rows PostgreSQL refuses for a data reason: they come back by index, non-retryable with the reason, the others commit', async () => {
    const bad = new Set(['c', 'f']);
    const committed: string[] = [];
    const w = new EventWriter(async (r) => {
      if (r.some((x) => bad.has(x.id))) throw pgError('22008', 'timestamp out of range');
      committed.push(...r.map((x) => x.id));
    });
    const refused = await w.write(rows('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'));
    expect([...refused.keys()]).toEqual([2, 5]);
    for (const [i, reason] of refused) {
      expect(reason).toBeInstanceOf(NonRetryableError);
      expect(reason.message).toBe(`PostgreSQL refused event ${'abcdefgh'[i]}: timestamp out of range (a detail) [SQLSTATE 22008]`);
    }
    expect(committed.sort()).toEqual(['a', 'b', 'd', 'e', 'g', 'h']);
    expect(w.stats).toMatchObject({ refused: 2, committed: 6 });
    expect(w.stats.splits).toBeGreaterThan(0);
  });

  it('shortens an over-long id in the refusal', async () => {
    const w = new EventWriter(async () => {
      throw pgError('22001', 'value too long');
    });
    const id = 'x'.repeat(200);
    const refused = await w.write([row(id)]);
    expect(refused.get(0)?.message).toContain(`PostgreSQL refused event ${'x'.repeat(40)}… (200 characters): value too long`);
  });

  it('stores a lone refused row with its unstorable text escaped, marked as such', async () => {
    const written: EventRow[][] = [];
    const w = new EventWriter(async (r) => {
      written.push(r);
      if (r.some((x) => (x.data as { text?: string }).text?.includes('\0'))) throw pgError('22P05', 'unsupported Unicode escape sequence');
    });
    await expect(w.write([row('nul', { text: 'a\0b' })])).resolves.toEqual(new Map());
    expect(written).toHaveLength(2);
    expect(written[1][0].data).toEqual({ text: 'a\\u0000b' });
    expect(written[1][0].extensions[ESCAPED_MARKER]).toEqual(['data.text']);
  });

  it('refuses a lone row with nothing to escape as non-retryable, after one statement', async () => {
    let calls = 0;
    const w = new EventWriter(async () => {
      calls++;
      throw pgError('23502');
    });
    const refused = await w.write(rows('x'));
    expect(refused.get(0)).toBeInstanceOf(NonRetryableError);
    expect(calls).toBe(1);
  });

  it('rejects with the later error when the database goes away while a refused batch is being split', async () => {
    let calls = 0;
    const down = pgError('57P01', 'terminating connection due to administrator command');
    const w = new EventWriter(async () => {
      calls++;
      throw calls === 1 ? pgError('22008', 'timestamp out of range') : down;
    });
    await expect(w.write(rows('a', 'b', 'c', 'd'))).rejects.toBe(down);
  });
});
