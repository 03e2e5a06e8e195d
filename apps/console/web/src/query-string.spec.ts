import { queryString } from './query-string.js';

describe(queryString.name, () => {
  it('leaves out empty values and repeats lists', () => {
    expect(queryString({ type: 'vendor.*', q: '', source: undefined, level: ['warn', 'error'], limit: 50 })).toBe('?type=vendor.*&level=warn&level=error&limit=50');
  });

  it('is empty without values', () => {
    expect(queryString({ a: '', b: null })).toBe('');
  });
});
