import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a feed token was refused (the 401 says which, never the token). */
export class FeedTokenError extends Error {
  override name = 'FeedTokenError';
}

const VERSION = 'v1';
const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const mac = (secret: string, signed: string) => createHmac('sha256', secret).update(signed).digest();

/**
 * A user-feed token, as the calling product issues it for one signed-in user:
 * `v1.<base64url({"sub":userId,"exp":unixSeconds})>.<base64url(HMAC-SHA256(secret, "v1.<payload>"))>`.
 * @example signFeedToken(process.env.EVENTS_FEED_SECRET!, 'user-42', 300)
 */
export function signFeedToken(secret: string, userId: string, ttlSeconds: number, nowMs = Date.now()): string {
  const payload = b64url(JSON.stringify({ sub: userId, exp: Math.floor(nowMs / 1000) + ttlSeconds }));
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${b64url(mac(secret, signed))}`;
}

/**
 * Checks a token for `userId`: the signature (in constant time), its subject, that it has not
 * expired and that it was not issued for longer than `maxTtlSeconds`. Throws {@link FeedTokenError}.
 */
export function verifyFeedToken(secret: string, token: string, userId: string, maxTtlSeconds: number, nowMs = Date.now()): void {
  const [version, payload, signature, ...rest] = token.split('.');
  if (version !== VERSION || !payload || !signature || rest.length > 0) throw new FeedTokenError('the token is not a v1 feed token (v1.<payload>.<signature>)');
  const expected = mac(secret, `${version}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new FeedTokenError('the token signature is wrong');
  let claims: { sub?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw new FeedTokenError('the token payload is not JSON');
  }
  if (claims.sub !== userId) throw new FeedTokenError('the token was issued for another user');
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new FeedTokenError('the token has expired');
  if (claims.exp - now > maxTtlSeconds) throw new FeedTokenError(`the token lives longer than ${maxTtlSeconds} s: issue short-lived tokens`);
}
