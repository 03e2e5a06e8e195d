import { parseConsumer, parsePattern, parsePositiveInt, parseTimePoint } from './parse-args.js';

describe('CLI argument parsers', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it.each([
    ['10m', '2025-03-01T11:50:00.000Z'],
    ['2h', '2025-03-01T10:00:00.000Z'],
    ['7d', '2025-02-22T12:00:00.000Z'],
    ['2025-02-01', '2025-02-01T00:00:00.000Z'],
    ['2025-02-01T10:00:00+02:00', '2025-02-01T08:00:00.000Z'],
  ])('reads the time point %s', (text, iso) => {
    expect(parseTimePoint(text, now).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '10', '2025-02-01T10:00:00', '-5m'])('refuses %j as a time point, saying what to write', (text) => {
    expect(() => parseTimePoint(text, now)).toThrow(/use a duration back from now \(30s, 10m, 2h, 7d\) or an ISO time/);
  });

  it('accepts a pattern with or without the events. prefix, and * as everything', () => {
    expect(parsePattern('vendor.*')).toBe('vendor.*');
    expect(parsePattern('events.order.>')).toBe('order.>');
    expect(parsePattern('*')).toBe('>');
    expect(() => parsePattern('order.>.x')).toThrow(/Invalid event pattern/);
  });

  it('takes durable names and positive whole numbers only', () => {
    expect(parseConsumer('search-sync')).toBe('search-sync');
    expect(() => parseConsumer('Search Sync')).toThrow(/durable name/);
    expect(parsePositiveInt('42')).toBe(42);
    for (const bad of ['0', '-1', '1.5', 'x', '']) expect(() => parsePositiveInt(bad)).toThrow('use a positive whole number');
  });
});
