import type { INestApplication } from '@nestjs/common';
import { requestContext } from '../context/request-context.middleware.js';
import { edgeBodyParser } from './json-body.parser.js';
import { EdgeExceptionFilter } from './edge-exception.filter.js';
import { edgeInputCheck } from './edge-input.middleware.js';
import { edgeValidationPipe } from './edge-validation.js';
import { API_CSP, type CspDirectives, securityHeaders } from './security-headers.js';

/**
 * How {@link configureHttpEdge} sets up an app's HTTP edge.
 * @example
 * configureHttpEdge(app, { limitBytes: 1_048_576, limitSetting: 'INGEST_MAX_BODY_BYTES' })
 */
export interface HttpEdgeOptions {
  /** Largest request body in bytes (default 100 KiB, Nest's own). */
  limitBytes?: number;
  /** The setting that sets `limitBytes`, named in the 413. */
  limitSetting?: string;
  /** Deepest JSON nesting accepted (default 32). */
  maxDepth?: number;
  /** Paths that take form bodies too (provider callbacks); every other route takes JSON only. */
  formRoutes?: RegExp[];
  /** Paths that take JSON sent as `text/plain` too (browser beacons: `navigator.sendBeacon` with a string body). */
  textJsonRoutes?: RegExp[];
  /** The page's policy for an app that serves one (the console); APIs get `default-src 'none'`. */
  contentSecurityPolicy?: CspDirectives;
}

export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024;
export const DEFAULT_MAX_JSON_DEPTH = 32;

/**
 * What every app's configureApp applies first, before the app is initialised: security headers,
 * no X-Powered-By, the JSON-only body parser (415/413/depth), the NUL and surrogate check of body,
 * query and path, the ValidationPipe and the exception filter that gives every error one shape.
 * @example export const configureApp = (app) => configureHttpEdge(app);
 */
export function configureHttpEdge<T extends INestApplication>(app: T, options: HttpEdgeOptions = {}): T {
  const server = app.getHttpAdapter().getInstance() as { disable?(setting: string): void };
  server.disable?.('x-powered-by');
  app.use(securityHeaders(options.contentSecurityPolicy ?? API_CSP));
  app.use(
    edgeBodyParser({
      limitBytes: options.limitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      limitSetting: options.limitSetting,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH,
      formRoutes: options.formRoutes ?? [],
      textJsonRoutes: options.textJsonRoutes ?? [],
    }),
  );
  // Named so that Nest, which adds a parser of each name only when none is there, adds no form parser.
  app.use(function urlencodedParser(_req: unknown, _res: unknown, next: () => void) {
    next();
  });
  app.use(edgeInputCheck());
  // After the body parser, whose stream callbacks would run (and call next) outside the context.
  app.use(requestContext());
  app.useGlobalFilters(new EdgeExceptionFilter());
  app.useGlobalPipes(edgeValidationPipe());
  return app;
}
