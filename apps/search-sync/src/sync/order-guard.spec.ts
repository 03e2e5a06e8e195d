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

  it('refuses a time that is not RFC 3339', () => {
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
