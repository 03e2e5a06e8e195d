import { TokenBucket } from './token-bucket.js';

describe(TokenBucket.name, () => {
  it('allows a second of burst, then one token per 1/rate seconds', () => {
    const bucket = new TokenBucket(5, 0);
    expect(bucket.available(0)).toBe(5);
    bucket.take(5, 0);
    expect(bucket.available(0)).toBe(0);
    expect(bucket.msUntilNext(0)).toBe(200);
    expect(bucket.available(200)).toBe(1);
    expect(bucket.available(10_000)).toBe(5);
  });

  it('lowers the tokens at once when the rate is lowered', () => {
    const bucket = new TokenBucket(100, 0);
    bucket.setRate(2);
    expect(bucket.available(0)).toBe(2);
  });
});
