import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token of an unsubscribe link: the address and its HMAC-SHA256 under EMAIL_UNSUBSCRIBE_SECRET,
 * so a link opts out its own address only and cannot be forged for another one.
 */
export function signUnsubscribe(address: string, secret: string): string {
  return `${Buffer.from(address, 'utf8').toString('base64url')}.${mac(address, secret)}`;
}

/** The address the token was signed for, or undefined when it was not signed with this secret. */
export function verifyUnsubscribe(token: string, secret: string): string | undefined {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return undefined;
  const address = Buffer.from(payload, 'base64url').toString('utf8');
  const expected = Buffer.from(mac(address, secret));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? address : undefined;
}

const mac = (address: string, secret: string): string => createHmac('sha256', secret).update(`unsubscribe:${address}`).digest('base64url');
