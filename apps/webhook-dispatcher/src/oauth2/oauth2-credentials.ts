/** OAuth2 client credentials of a subscription, decorator-free: the console's browser code imports the view type. */

/** What is stored (jsonb column `oauth2`): the dispatcher fetches a token with these before it sends. */
export interface OAuth2Credentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, sent as `scope`; null sends none. */
  scope: string | null;
}

/** The same as every answer shows it: the client secret masked. */
export type OAuth2CredentialsView = Omit<OAuth2Credentials, 'clientSecret'> & { clientSecret: string };

/** What every answer shows for the client secret; sent back in a PATCH, it keeps the stored one. */
export const REDACTED_CLIENT_SECRET = '<redacted>';

const FIELDS = ['tokenUrl', 'clientId', 'clientSecret', 'scope'];
/** RFC 6749 appendix A: client id and secret are VSCHAR (printable ASCII); a scope token is NQCHAR without space. */
const VSCHAR = /^[\x20-\x7e]+$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/**
 * What is wrong with an `oauth2` value, naming the field; undefined when it may be stored. The
 * token URL's scheme and address are checked by the SSRF guard afterwards, as a subscription's url is.
 */
export function oauth2Problem(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return 'oauth2 must be an object { tokenUrl, clientId, clientSecret, scope? } or null';
  const v = value as Record<string, unknown>;
  const unknownField = Object.keys(v).find((k) => !FIELDS.includes(k));
  if (unknownField) return `oauth2.${unknownField} is not a field; use ${FIELDS.join(', ')}`;
  if (typeof v.tokenUrl !== 'string' || v.tokenUrl.length > 2048) return 'oauth2.tokenUrl must be the authorization server\'s token endpoint, an http(s) URL of at most 2048 characters';
  for (const field of ['clientId', 'clientSecret'] as const) {
    const s = v[field];
    if (typeof s !== 'string' || s.length === 0 || s.length > 500 || !VSCHAR.test(s)) return `oauth2.${field} must be 1 to 500 printable ASCII characters`;
  }
  if (v.scope !== undefined && v.scope !== null && (typeof v.scope !== 'string' || v.scope.length > 1000 || !SCOPE.test(v.scope))) {
    return 'oauth2.scope must be space-separated scope names such as "webhooks:write orders:read" (at most 1000 characters), or null';
  }
  return undefined;
}

/** The stored credentials after a create or PATCH with `given`; a client secret of REDACTED_CLIENT_SECRET keeps the stored one. */
export function mergeOAuth2(stored: OAuth2Credentials | null, given: OAuth2Credentials | null): OAuth2Credentials | null {
  if (given === null) return null;
  const keep = given.clientSecret === REDACTED_CLIENT_SECRET;
  if (keep && !stored) throw new Error(`oauth2.clientSecret: "${REDACTED_CLIENT_SECRET}" keeps a stored secret, and this subscription has none; send the secret itself`);
  return { tokenUrl: given.tokenUrl, clientId: given.clientId, clientSecret: keep ? stored!.clientSecret : given.clientSecret, scope: given.scope ?? null };
}

export const toOAuth2View = (c: OAuth2Credentials | null): OAuth2CredentialsView | null => (c ? { ...c, clientSecret: REDACTED_CLIENT_SECRET } : null);
