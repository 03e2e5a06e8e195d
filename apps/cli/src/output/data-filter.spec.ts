import { allOf, parseDataFilter } from './data-filter.js';

describe(parseDataFilter.name, () => {
  const data = { vendor: { name: 'Taco Stand', open: true, rating: 4.5 }, lines: [{ sku: 'A' }], note: 'spicy' };

  it('compares the field at a dotted path with the text, or the JSON of a non-string', () => {
    expect(parseDataFilter('vendor.name=Taco Stand')(data)).toBe(true);
    expect(parseDataFilter('vendor.name=Taco')(data)).toBe(false);
    expect(parseDataFilter('vendor.open=true')(data)).toBe(true);
    expect(parseDataFilter('vendor.rating=4.5')(data)).toBe(true);
    expect(parseDataFilter('lines.0.sku=A')(data)).toBe(true);
    expect(parseDataFilter('missing.path=x')(data)).toBe(false);
    expect(parseDataFilter('vendor.name=x')(null)).toBe(false);
  });

  it('looks for any other text in the data', () => {
    expect(parseDataFilter('spicy')(data)).toBe(true);
    expect(parseDataFilter('mild')(data)).toBe(false);
  });

  it('needs every filter to match', () => {
    const both = allOf([parseDataFilter('vendor.open=true'), parseDataFilter('note=spicy')]);
    expect(both(data)).toBe(true);
    expect(both({ ...data, note: 'mild' })).toBe(false);
  });
});
