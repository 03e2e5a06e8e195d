import { jest } from '@jest/globals';
import { FailureAggregator, type FailureReport } from './failure-aggregator.js';

describe(FailureAggregator.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports the first failure of a source at once, then one count per window while they go on, then nothing', () => {
    const reports: FailureReport<{ n: number }>[] = [];
    const agg = new FailureAggregator<{ n: number }>((r) => reports.push(r), { windowMs: 60_000 });
    agg.record('1.2.3.4', { n: 1 });
    expect(reports).toMatchObject([{ source: '1.2.3.4', count: 1, details: { n: 1 } }]);
    for (let i = 2; i <= 500; i++) agg.record('1.2.3.4', { n: i });
    expect(reports).toHaveLength(1);
    jest.advanceTimersByTime(60_000);
    expect(reports[1]).toMatchObject({ source: '1.2.3.4', count: 499, details: { n: 500 } });
    agg.record('1.2.3.4', { n: 501 });
    jest.advanceTimersByTime(60_000);
    expect(reports).toHaveLength(3);
    expect(reports[2]).toMatchObject({ count: 1 });
    jest.advanceTimersByTime(60_000);
    expect(reports).toHaveLength(3);
    agg.record('1.2.3.4', { n: 502 });
    expect(reports).toHaveLength(4);
  });

  it('keeps sources apart, bounds how many it tracks, and reports what is counted on flush', () => {
    const reports: FailureReport<null>[] = [];
    const agg = new FailureAggregator<null>((r) => reports.push(r), { windowMs: 60_000, maxSources: 2 });
    for (const source of ['a', 'b', 'c', 'd', 'a', 'c']) agg.record(source, null);
    expect(reports.map((r) => [r.source, r.count])).toEqual([['a', 1], ['b', 1], ['other', 1]]);
    agg.flush();
    expect(reports.slice(3).map((r) => [r.source, r.count])).toEqual([['a', 1], ['other', 2]]);
    jest.advanceTimersByTime(120_000);
    expect(reports).toHaveLength(5);
  });
});
