import { formatTraceparent, parseTraceparent, traceIdOf } from './traceparent.js';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('traceparent', () => {
  it('round-trips a W3C traceparent', () => {
    const sc = parseTraceparent(TP);
    expect(sc).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(formatTraceparent(sc!)).toBe(TP);
    expect(traceIdOf(TP)).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it.each([undefined, '', 'garbage', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`, `00-0af7651916cd43dd8448eb211c80319c-${'0'.repeat(16)}-01`])(
    'refuses %p',
    (value) => {
      expect(parseTraceparent(value)).toBeUndefined();
    },
  );
});
