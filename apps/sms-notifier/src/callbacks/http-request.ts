import type { IncomingHttpHeaders } from 'node:http';

/** The part of Express's request the callback routes read (the app does not depend on @types/express). */
export interface CallbackRequest {
  protocol: string;
  originalUrl: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  ip?: string;
}
