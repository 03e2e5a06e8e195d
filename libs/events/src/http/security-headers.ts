import helmet from 'helmet';

/**
 * Content-Security-Policy directives, as helmet takes them.
 * @example
 * configureHttpEdge(app, { contentSecurityPolicy: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'] } })
 */
export type CspDirectives = Record<string, string[]>;

/** An API answers JSON only: nothing may load, frame or run from it. */
export const API_CSP: CspDirectives = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/**
 * helmet's headers (no sniffing, no referrer, same-origin isolation, no X-Powered-By) with framing
 * denied outright and exactly the CSP given: helmet's default policy is for pages, not for APIs.
 */
export function securityHeaders(directives: CspDirectives = API_CSP) {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
  });
}
