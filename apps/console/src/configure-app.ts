import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CONSOLE_CONFIG, type ConsoleConfig } from './config/console-env.js';
import { serveWebAssets } from './web/web-assets.js';

/** What main.ts and the tests both apply: validated input, and the built page at `/`. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  serveWebAssets(app, app.get<ConsoleConfig>(CONSOLE_CONFIG).webDir);
  return app;
}
