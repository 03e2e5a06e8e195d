import { filterProblems, matchesFilter } from './event-filter.js';

describe('matchesFilter', () => {
  const order = { status: 'paid', total: 120, customer: { country: 'DE', vip: false }, items: [{ sku: 'A-1' }] };

  it('matches equality on nested paths and array indexes', () => {
    expect(matchesFilter({ status: 'paid', 'customer.country': 'DE', 'items.0.sku': 'A-1', 'customer.vip': false }, order)).toBe(true);
    expect(matchesFilter({ status: 'refunded' }, order)).toBe(false);
  });

  it('matches in, ne and numeric comparisons, all conditions together', () => {
    expect(matchesFilter({ 'customer.country': { in: ['FR', 'DE'] }, total: { gte: 100, lt: 200 }, status: { ne: 'void' } }, order)).toBe(true);
    expect(matchesFilter({ total: { gt: 120 } }, order)).toBe(false);
    expect(matchesFilter({ total: { lte: 120 }, 'customer.country': { in: ['FR'] } }, order)).toBe(false);
  });

  it('never matches a numeric comparison on a missing or non-numeric value', () => {
    expect(matchesFilter({ missing: { lt: 5 } }, order)).toBe(false);
    expect(matchesFilter({ status: { gt: 0 } }, order)).toBe(false);
    expect(matchesFilter({ 'status.deeper': 'x' }, order)).toBe(false);
  });

  it('matches everything without a filter and null against a null value', () => {
    expect(matchesFilter(null, order)).toBe(true);
    expect(matchesFilter({ note: null }, { note: null })).toBe(true);
  });
});

describe('filterProblems', () => {
  it('accepts a well-formed filter', () => {
    expect(filterProblems({ status: 'paid', total: { gte: 1 }, kind: { in: ['a', 1, null] } })).toEqual([]);
  });

  it('names the path and the fix of each problem', () => {
    expect(filterProblems({ total: { gtx: 1 }, 'bad path': 1, amount: { gt: 'x' }, kind: { in: [] }, obj: { a: 1 }, list: [1] })).toEqual([
      'filter.total: unknown operator "gtx"; use eq, ne, in, gt, gte, lt, lte',
      'filter.bad path: the path must be dot-separated keys such as customer.country or items.0.sku',
      'filter.amount.gt must be a number',
      'filter.kind.in must be a non-empty array of strings, numbers, booleans or null',
      'filter.obj: unknown operator "a"; use eq, ne, in, gt, gte, lt, lte',
      'filter.list: use a string, number, boolean or null (equality) or an object of operators (eq, ne, in, gt, gte, lt, lte)',
    ]);
    expect(filterProblems('status=paid')).toEqual(['filter must be an object of "json.path": value or "json.path": { operator: value }']);
  });
});
