import { assertStorable, findUnstorable, hasUnstorableText, UnstorableDataError } from './jsonb-storable.js';

const check = (event: object) => () => assertStorable(JSON.stringify(event), event);

describe(assertStorable.name, () => {
  it('accepts ordinary text, emoji (surrogate pairs) and a literal backslash-u0000', () => {
    expect(check({ data: { a: 'plain', b: 'taco 🌮', c: '\\u0000 and \\ud800 typed out' } })).not.toThrow();
  });

  it('refuses a NUL character naming the JSON path', () => {
    expect(check({ data: { name: 'a\u0000b' } })).toThrow('data.name holds a NUL character');
  });

  it('refuses a lone surrogate inside an array, naming the index', () => {
    expect(check({ data: { items: [{ ok: 'x' }, { note: 'half \ud800' }] } })).toThrow('data.items[1].note holds a lone surrogate');
  });

  it('refuses a trailing low surrogate and names an odd key with brackets', () => {
    expect(check({ data: { 'first name': '\udc00' } })).toThrow('data["first name"] holds a lone surrogate');
  });

  it('refuses an unstorable key', () => {
    const err = findUnstorable({ ['k\u0000']: 1 }, 'data');
    expect(err).toBeInstanceOf(UnstorableDataError);
    expect(err!.path).toBe('data (a key)');
  });

  it('finds the cases by regex on the serialised text', () => {
    expect(hasUnstorableText(JSON.stringify('a\u0000'))).toBe(true);
    expect(hasUnstorableText(JSON.stringify('\ud83c'))).toBe(true);
    expect(hasUnstorableText(JSON.stringify('🌮'))).toBe(false);
    expect(hasUnstorableText(JSON.stringify('\\u0000'))).toBe(false);
    expect(hasUnstorableText(JSON.stringify('\\\u0000'))).toBe(true);
  });
});
