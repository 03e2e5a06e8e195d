import { formatPercent, preview, timeAgo } from './format.js';

describe('format', () => {
  it('cuts long previews with an ellipsis', () => {
    expect(preview({ name: 'x'.repeat(200) }, 20)).toHaveLength(20);
    expect(preview({ a: 1 })).toBe('{"a":1}');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(timeAgo('2026-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(timeAgo('2026-01-01T11:00:00Z', now)).toBe('1 h ago');
  });

  it('keeps small error rates visible', () => {
    expect(formatPercent(0.004)).toBe('0.40 %');
    expect(formatPercent(0.25)).toBe('25.0 %');
  });
});
