import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpEdge, type CspDirectives } from '@app/events';
import { CONSOLE_CONFIG, type ConsoleConfig } from './config/console-env.js';
import { serveWebAssets } from './web/web-assets.js';

/** The page loads only its own scripts, styles and data, and no other site may frame it. */
export const CONSOLE_CSP: CspDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** What main.ts and the tests both apply: the mesh's HTTP edge with the page's policy, and the built page at `/`. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  configureHttpEdge(app, { contentSecurityPolicy: CONSOLE_CSP });
  serveWebAssets(app, app.get<ConsoleConfig>(CONSOLE_CONFIG).webDir);
  return app;
}
