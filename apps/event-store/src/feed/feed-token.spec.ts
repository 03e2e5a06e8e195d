import { FeedTokenError, signFeedToken, verifyFeedToken } from './feed-token.js';

const SECRET = 'a-feed-secret-of-at-least-32-characters';
const NOW = Date.parse('2026-12-04T12:00:00Z');

describe(verifyFeedToken.name, () => {
  const refusal = (token: string, user = 'user-7', now = NOW) => {
    try {
      verifyFeedToken(SECRET, token, user, 900, now);
    } catch (err) {
      expect(err).toBeInstanceOf(FeedTokenError);
      return (err as Error).message;
    }
    return 'accepted';
  };

  it('accepts a token signed for the user until it expires', () => {
    const token = signFeedToken(SECRET, 'user-7', 300, NOW);
    expect(refusal(token)).toBe('accepted');
    expect(refusal(token, 'user-7', NOW + 299_000)).toBe('accepted');
    expect(refusal(token, 'user-7', NOW + 300_000)).toBe('the token has expired');
  });

  it('refuses another user, another key, a tampered payload and a long-lived token', () => {
    const token = signFeedToken(SECRET, 'user-7', 300, NOW);
    expect(refusal(token, 'user-8')).toBe('the token was issued for another user');
    expect(refusal(signFeedToken(`${SECRET}!`, 'user-7', 300, NOW))).toBe('the token signature is wrong');
    const [v, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'user-7', exp: NOW / 1000 + 100_000 })).toString('base64url');
    expect(refusal(`${v}.${forged}.${sig}`)).toBe('the token signature is wrong');
    expect(refusal(signFeedToken(SECRET, 'user-7', 3_600, NOW))).toBe('the token lives longer than 900 s: issue short-lived tokens');
    expect(refusal('v2.x.y')).toBe('the token is not a v1 feed token (v1.<payload>.<signature>)');
  });
});
