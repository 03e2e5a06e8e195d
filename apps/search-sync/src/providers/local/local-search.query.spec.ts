import { queryWords, tsQueries } from './local-search.query.js';

describe(queryWords.name, () => {
  it('keeps letters and digits of any script, lowercased, and drops tsquery syntax', () => {
    expect(queryWords("Taco's & | ! :* (Stand) Café 24")).toEqual(['taco', 's', 'stand', 'café', '24']);
    expect(queryWords('  ')).toEqual([]);
  });
});

describe(tsQueries.name, () => {
  it('builds a whole-word and a prefix query of all words', () => {
    expect(tsQueries(['taco', 'sta'])).toEqual({ exact: 'taco & sta', prefix: 'taco:* & sta:*' });
  });
});
