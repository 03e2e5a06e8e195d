import { bucketRow, bucketsFor, topTypes } from './stats-buckets.js';
import type { EventStats } from './types.js';

const stats = (types: Record<string, [number, number]>, levels: Record<string, number>): EventStats => {
  const t = Object.entries(types).map(([type, [count, errors]]) => ({ type, count, errors, errorRate: errors / count, firstSeen: '', lastSeen: '' }));
  const total = t.reduce((n, x) => n + x.count, 0);
  const errors = t.reduce((n, x) => n + x.errors, 0);
  return { from: null, to: null, groupBy: 'level', total, errors, errorRate: total ? errors / total : 0, groups: Object.entries(levels).map(([key, count]) => ({ key, count })), types: t };
};

describe('stats buckets', () => {
  it('cuts a day into 24 whole UTC hours ending with the current one', () => {
    const now = Date.parse('2026-03-01T10:20:00Z');
    const b = bucketsFor('24h', now);
    expect(b).toHaveLength(24);
    expect(b[23]).toEqual({ from: new Date('2026-03-01T10:00:00Z'), to: new Date('2026-03-01T11:00:00Z') });
    expect(b[0].from).toEqual(new Date('2026-02-28T11:00:00Z'));
  });

  it('reads levels, types and the error rate of a bucket', () => {
    const row = bucketRow('10:00', stats({ 'vendor.created': [3, 0], 'job.failed': [1, 1] }, { info: 3, error: 1 }));
    expect(row).toEqual({ label: '10:00', total: 4, errors: 1, errorRate: 25, levels: { debug: 0, info: 3, warn: 0, error: 1 }, types: { 'vendor.created': 3, 'job.failed': 1 } });
  });

  it('keeps the busiest types and sums the rest as other', () => {
    const rows = [bucketRow('a', stats({ a: [5, 0], b: [1, 0], c: [3, 0] }, {})), bucketRow('b', stats({ b: [1, 0] }, {}))];
    expect(topTypes(rows, 2)).toEqual({
      keys: ['a', 'c', 'other'],
      series: [
        { label: 'a', a: 5, c: 3, other: 1 },
        { label: 'b', other: 1 },
      ],
    });
  });
});
