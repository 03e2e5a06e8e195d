import type { IncomingMessage, ServerResponse } from 'node:http';

/** An API answers JSON only: nothing may load, frame or run from it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The headers helmet would set, by hand because helmet is not installed: no sniffing, no framing,
 * no referrer, same-origin isolation, and a Content-Security-Policy (strict for APIs by default).
 */
export function securityHeaders(contentSecurityPolicy: string = API_CSP) {
  const headers: Array<[string, string]> = [
    ['Content-Security-Policy', contentSecurityPolicy],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
  ];
  return function securityHeaders(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
