import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpEdge } from '@app/events';
import { CONSOLE_CONFIG, type ConsoleConfig } from './config/console-env.js';
import { serveWebAssets } from './web/web-assets.js';

/** The page loads only its own scripts, styles and data, and no other site may frame it. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** What main.ts and the tests both apply: the mesh's HTTP edge with the page's policy, and the built page at `/`. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  configureHttpEdge(app, { contentSecurityPolicy: CONSOLE_CSP });
  serveWebAssets(app, app.get<ConsoleConfig>(CONSOLE_CONFIG).webDir);
  return app;
}
