import { rowsFrom } from './run-all.js';

describe(rowsFrom.name, () => {
  it('reads the BENCH_RESULT line of a bench that prints one', () => {
    const out = ['progress', 'BENCH_RESULT {"bench":"consume","rows":[{"scenario":"consume","unit":"msgs/s","raw":10,"ours":9,"ratio":0.9,"goal":0.9}]}', ''].join('\n');
    expect(rowsFrom('consume', out)).toEqual([{ scenario: 'consume', unit: 'msgs/s', raw: 10, ours: 9, ratio: 0.9, goal: 0.9 }]);
  });

  it("maps search-sync's own summary to rows, one per provider it ran", () => {
    const summary = { bench: 'search-sync', sides: { 'raw-local': { rate: { median: 100 } }, 'app-local': { rate: { median: 50 } } }, ratios: { local: 0.5 } };
    expect(rowsFrom('search-sync', JSON.stringify(summary))).toEqual([{ scenario: 'search-sync local', unit: 'events/s', raw: 100, ours: 50, ratio: 0.5, goal: 0.7 }]);
  });

  it("maps the webhooks summary's rows", () => {
    const summary = { bench: 'webhooks', rows: [{ scenario: 'one', raw: { median: 200 }, app: { median: 150 }, ratio: 0.75 }] };
    expect(rowsFrom('webhooks', JSON.stringify(summary))).toEqual([{ scenario: 'webhooks one', unit: 'deliveries/s', raw: 200, ours: 150, ratio: 0.75 }]);
  });

  it("maps the memory summary to one row per app, idle ÷ RSS after the settle time", () => {
    const summary = { bench: 'memory', results: [{ app: 'search-sync', idle: 100, peak: 300, after: [{ s: 5, mb: 250 }, { s: 60, mb: 125 }] }] };
    expect(rowsFrom('memory', JSON.stringify(summary))).toEqual([{ scenario: 'memory search-sync: RSS idle vs after the burst', unit: 'MB', raw: 100, ours: 125, ratio: 0.8, goal: 0.67 }]);
  });

  it('gives no rows when a bench printed no result (it failed)', () => {
    expect(rowsFrom('publish', 'bench failed: boom\n')).toEqual([]);
  });
});
