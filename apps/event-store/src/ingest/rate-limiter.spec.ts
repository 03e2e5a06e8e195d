import { TokenBucketLimiter } from './rate-limiter.js';

describe(TokenBucketLimiter.name, () => {
  let clock = 0;
  const limiter = () => new TokenBucketLimiter(60, () => clock);
  beforeEach(() => (clock = 1_000_000));

  it('lets a burst up to the per-minute limit through, then refuses', () => {
    const l = limiter();
    expect(l.take('k', 50)).toEqual({ ok: true });
    expect(l.take('k', 10)).toEqual({ ok: true });
    expect(l.take('k', 1)).toEqual({ ok: false, available: 0, retryAfterSeconds: 1 });
  });

  it('takes all of a request or nothing, and says when enough tokens will be back', () => {
    const l = limiter();
    l.take('k', 55);
    expect(l.take('k', 20)).toEqual({ ok: false, available: 5, retryAfterSeconds: 15 });
    expect(l.take('k', 5)).toEqual({ ok: true });
  });

  it('refills evenly, never above the limit', () => {
    const l = limiter();
    l.take('k', 60);
    clock += 10_000;
    expect(l.take('k', 11)).toMatchObject({ ok: false, available: 10 });
    expect(l.take('k', 10)).toEqual({ ok: true });
    clock += 3_600_000;
    expect(l.take('k', 61)).toMatchObject({ ok: false, available: 60 });
  });

  it('keeps one bucket per key', () => {
    const l = limiter();
    l.take('a', 60);
    expect(l.take('b', 60)).toEqual({ ok: true });
    expect(l.take('a', 1).ok).toBe(false);
  });
});
