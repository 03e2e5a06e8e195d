import type { IndexOperation } from '../mapping/index-mapping.js';
import { compareEvents, eventOrderKey, newestPerObject, winners } from './order-guard.js';

const op = (objectID: string, eventTime: string, eventId: string, index = 'vendors'): IndexOperation => ({ index, objectID, action: 'upsert', eventTime, eventId });

describe(compareEvents.name, () => {
  it('orders by the event time, keeping the digits below a millisecond', () => {
    expect(compareEvents(op('a', '2025-01-01T00:00:00.000001Z', 'z'), op('a', '2025-01-01T00:00:00.000002Z', 'a'))).toBeLessThan(0);
    expect(compareEvents(op('a', '2025-01-01T00:00:01Z', 'a'), op('a', '2025-01-01T00:00:00.999999Z', 'z'))).toBeGreaterThan(0);
  });

  it('compares times across offsets by the instant', () => {
    expect(compareEvents(op('a', '2025-01-01T01:00:00+01:00', 'b'), op('a', '2025-01-01T00:00:00Z', 'a'))).toBeGreaterThan(0);
  });

  it('breaks a tie of times by id, and is 0 only for the same event', () => {
    const t = '2025-01-01T00:00:00.5Z';
    expect(compareEvents(op('a', t, '0193-a'), op('a', t, '0193-b'))).toBeLessThan(0);
    expect(compareEvents(op('a', t, 'x'), op('a', '2025-01-01T00:00:00.500000Z', 'x'))).toBe(0);
  });

  it('orders UTC times of one layout as text, and agrees with the parsed order', () => {
    const pairs: [string, string][] = [
      ['2025-01-01T00:00:00.099Z', '2025-01-01T00:00:00.100Z'],
      ['2024-12-31T23:59:59.999999999Z', '2025-01-01T00:00:00.000000000Z'],
      ['2025-01-01t00:00:09Z', '2025-01-01t00:00:10Z'],
      ['2025-01-01 09:00:00Z', '2025-01-01 10:00:00Z'],
    ];
    for (const [earlier, later] of pairs) {
      expect(compareEvents(op('a', earlier, 'z'), op('a', later, 'a'))).toBeLessThan(0);
      expect(compareEvents(op('a', later, 'a'), op('a', earlier, 'z'))).toBeGreaterThan(0);
      expect(Date.parse(earlier)).toBeLessThanOrEqual(Date.parse(later));
    }
  });

  it('parses when the layouts differ (separator, fraction length, offset)', () => {
    expect(compareEvents(op('a', '2025-01-01T00:00:01Z', 'a'), op('a', '2025-01-01 00:00:00Z', 'z'))).toBeGreaterThan(0);
    expect(compareEvents(op('a', '2025-01-01T00:00:00.9Z', 'a'), op('a', '2025-01-01T00:00:00.10Z', 'z'))).toBeGreaterThan(0);
    expect(compareEvents(op('a', '2025-01-01T00:30:00+01:00', 'a'), op('a', '2025-01-01T00:00:00Z', 'z'))).toBeLessThan(0);
  });

  it('refuses a time that is not RFC 3339', () => {
    for (const bad of ['2025-01-01T00:00:99Z', '2025-01-01T25:00:00Z', '2025-13-01T00:00:00Z']) {
      expect(() => compareEvents(op('a', bad, 'a'), op('a', '2025-01-01T00:00:00Z', 'b'))).toThrow(/not an RFC 3339 time/);
    }
    expect(() => eventOrderKey('yesterday', 'x')).toThrow(/not an RFC 3339 time/);
  });
});

describe(newestPerObject.name, () => {
  it('keeps the newest operation per index and object, sorted by key', () => {
    const ops = [
      op('b', '2025-01-01T00:00:02Z', '2'),
      op('a', '2025-01-01T00:00:05Z', '5'),
      op('b', '2025-01-01T00:00:09Z', '9'),
      op('a', '2025-01-01T00:00:01Z', '1'),
      op('a', '2025-01-01T00:00:03Z', '3', 'vendors_tmp'),
    ];
    expect(newestPerObject(ops).map((o) => `${o.index}/${o.objectID}@${o.eventId}`)).toEqual(['vendors/a@5', 'vendors/b@9', 'vendors_tmp/a@3']);
  });

  it('sorts as the joined key did: a shorter index name before a longer one it begins', () => {
    const ops = [op('a', '2025-01-01T00:00:01Z', '1', 'vendors_tmp'), op('b', '2025-01-01T00:00:01Z', '2', 'vendors'), op('a', '2025-01-01T00:00:01Z', '3', 'vendors')];
    expect(newestPerObject(ops).map((o) => o.eventId)).toEqual(['3', '2', '1']);
  });

  it('keeps the later of two events at the same time by id, whichever comes first', () => {
    const t = '2025-01-01T00:00:00.000Z';
    expect(newestPerObject([op('a', t, '0193-b'), op('a', t, '0193-a')]).map((o) => o.eventId)).toEqual(['0193-b']);
    expect(newestPerObject([op('a', t, '0193-a'), op('a', t, '0193-b')]).map((o) => o.eventId)).toEqual(['0193-b']);
  });
});

describe(winners.name, () => {
  const ops = [op('a', '2025-01-01T00:00:01Z', '1'), op('b', '2025-01-01T00:00:02Z', '2'), op('a', '2025-01-01T00:00:03Z', '3', 'vendors_tmp')];

  it('takes every operation when the count says all won (no keys come back then)', () => {
    expect(winners(ops, { n: 3, won: null })).toEqual(ops);
  });

  it('keeps only the operations whose (index, object) came back when some lost', () => {
    expect(winners(ops, { n: 1, won: [['vendors_tmp', 'a']] })).toEqual([ops[2]]);
    expect(winners(ops, { n: 0, won: null })).toEqual([]);
  });
});
