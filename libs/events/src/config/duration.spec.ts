import { parseDuration, parseDurationList } from './duration.js';

describe(parseDuration.name, () => {
  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['0s', 0],
  ])('converts %s to %d milliseconds', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('accepts a decimal amount and rounds to whole milliseconds', () => {
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('0.0004s')).toBe(0);
    expect(parseDuration('1.0006s')).toBe(1_001);
  });

  it('ignores surrounding whitespace', () => {
    expect(parseDuration('  30s \n')).toBe(30_000);
  });

  it.each(['', '5', 's', 'soon', '5 s', '-5s', '+5s', '5S', '5sec', '1w', '1.s', '.5s', '5s5', 'ms', '1e3ms', '5s,'])(
    'returns undefined for malformed %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe(parseDurationList.name, () => {
  it('parses a comma-separated schedule in order', () => {
    expect(parseDurationList('1s,5s,30s,2m')).toEqual([1_000, 5_000, 30_000, 120_000]);
  });

  it('parses a single duration as a one-element list', () => {
    expect(parseDurationList('250ms')).toEqual([250]);
  });

  it('trims parts and skips empty ones', () => {
    expect(parseDurationList(' 1s , 2s ,, 3s, ')).toEqual([1_000, 2_000, 3_000]);
  });

  it.each(['', ' ', ',', ' , , '])('returns undefined when %j holds no duration', (text) => {
    expect(parseDurationList(text)).toBeUndefined();
  });

  it.each(['1s,soon', 'soon,1s', '1s,5,30s', '1s;5s', '1s 5s'])('returns undefined when any part of %j is malformed', (text) => {
    expect(parseDurationList(text)).toBeUndefined();
  });
});
