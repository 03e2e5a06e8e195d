import { bucketRows, bucketsFor, tickInterval, topTypes } from './stats-buckets.js';
import type { EventStats } from './types.js';

const stats = (groups: EventStats['groups']): EventStats => ({ from: null, to: null, groupBy: 'hour', total: 0, errors: 0, errorRate: 0, groups, types: [] });
const hhmm = (d: Date) => d.toISOString().slice(11, 16);

describe('stats buckets', () => {
  it('cuts a day into 24 whole UTC hours ending with the current one', () => {
    const now = Date.parse('2026-03-01T10:20:00Z');
    const b = bucketsFor('24h', now);
    expect(b).toHaveLength(24);
    expect(b[23]).toEqual({ from: new Date('2026-03-01T10:00:00Z'), to: new Date('2026-03-01T11:00:00Z') });
    expect(b[0].from).toEqual(new Date('2026-02-28T11:00:00Z'));
  });

  it('reads levels, types and the error rate of each bucket from one answer, and leaves empty buckets without a rate', () => {
    const buckets = bucketsFor('6h', Date.parse('2026-03-01T10:20:00Z'));
    const rows = bucketRows(buckets, stats([{ key: '2026-03-01T08:00:00.000Z', count: 4, errors: 1, levels: { info: 3, error: 1 }, types: { 'vendor.created': 3, 'job.failed': 1 } }]), hhmm);
    expect(rows.map((r) => r.label)).toEqual(['05:00', '06:00', '07:00', '08:00', '09:00', '10:00']);
    expect(rows[3]).toEqual({ label: '08:00', total: 4, errors: 1, errorRate: 25, levels: { debug: 0, info: 3, success: 0, warn: 0, error: 1 }, types: { 'vendor.created': 3, 'job.failed': 1 } });
    expect(rows[2]).toEqual({ label: '07:00', total: 0, errors: 0, errorRate: null, levels: { debug: 0, info: 0, success: 0, warn: 0, error: 0 }, types: {} });
  });

  it('keeps the busiest types and sums the rest as other', () => {
    const buckets = bucketsFor('6h', Date.parse('2026-03-01T10:20:00Z')).slice(4);
    const rows = bucketRows(
      buckets,
      stats([
        { key: '2026-03-01T09:00:00.000Z', count: 9, types: { a: 5, b: 1, c: 3 } },
        { key: '2026-03-01T10:00:00.000Z', count: 1, types: { b: 1 } },
      ]),
      hhmm,
    );
    expect(topTypes(rows, 2)).toEqual({
      keys: ['a', 'c', 'other'],
      series: [
        { label: '09:00', a: 5, c: 3, other: 1 },
        { label: '10:00', other: 1 },
      ],
    });
  });

  it('labels every bucket of 6 and 7, and every third of 24', () => {
    expect(tickInterval(6)).toBe(0);
    expect(tickInterval(7)).toBe(0);
    expect(tickInterval(24)).toBe(2);
  });
});
