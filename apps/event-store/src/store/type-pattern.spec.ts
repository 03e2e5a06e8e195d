import { typeCondition, typeMatch } from './type-pattern.js';

describe(typeMatch.name, () => {
  const matches = (pattern: string, type: string) => {
    const m = typeMatch(pattern);
    return m.kind === 'all' || (m.kind === 'exact' ? m.type === type : new RegExp(m.regex).test(type));
  };

  it('keeps a concrete type as an exact match', () => {
    expect(typeMatch('vendor.created')).toEqual({ kind: 'exact', type: 'vendor.created' });
  });

  it('matches every type for > and a lone *', () => {
    expect(typeMatch('>')).toEqual({ kind: 'all' });
    expect(typeMatch('*')).toEqual({ kind: 'all' });
  });

  it('turns * into exactly one token and a final > into one or more', () => {
    expect(typeMatch('vendor.*')).toEqual({ kind: 'regex', regex: '^vendor\\.[^.]+$' });
    expect(matches('vendor.*', 'vendor.created')).toBe(true);
    expect(matches('vendor.*', 'vendor.a.b')).toBe(false);
    expect(matches('vendor.*', 'vendors.created')).toBe(false);
    expect(matches('vendor.>', 'vendor.a.b')).toBe(true);
    expect(matches('vendor.>', 'vendor')).toBe(false);
    expect(matches('*.created', 'order.created')).toBe(true);
    expect(matches('*.created', 'order.created.late')).toBe(false);
    expect(matches('order.*.failed', 'order.payment.failed')).toBe(true);
  });

  it('escapes the regex meaning of token characters such as -', () => {
    expect(typeMatch('a-b.*')).toEqual({ kind: 'regex', regex: '^a\\-b\\.[^.]+$' });
    expect(matches('a-b.*', 'a-b.x')).toBe(true);
  });

  it('throws for what normalizePattern refuses', () => {
    for (const bad of ['Vendor.*', 'vendor..created', 'vendor.>.x', 'vendor.cre*', "x'; drop table events"]) expect(() => typeMatch(bad)).toThrow(/Invalid event pattern/);
  });
});

describe(typeCondition.name, () => {
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  beforeEach(() => (params.length = 0));

  it('matches an exact type by equality, patterns by an anchored regex, and everything for >', () => {
    expect(typeCondition('vendor.created', param)).toBe('type = $1');
    expect(typeCondition('vendor.*', param)).toBe('type ~ $2');
    expect(typeCondition('order.>', param)).toBe('type ~ $3');
    expect(typeCondition('*.send-failed', param)).toBe('type ~ $4');
    expect(typeCondition('>', param)).toBeUndefined();
    expect(typeCondition('*', param)).toBeUndefined();
    expect(params).toEqual(['vendor.created', '^vendor\\.[^.]+$', '^order\\..+$', '^[^.]+\\.send\\-failed$']);
  });

  it('throws on a pattern the library refuses', () => {
    expect(() => typeCondition('Vendor.*', param)).toThrow(/Invalid event pattern/);
  });
});
