import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * Serves the built single-page app from `webDir`: hashed files under assets/ are cached for a
 * year, index.html never (so a new build is picked up on reload).
 */
export function serveWebAssets(app: NestExpressApplication, webDir: string): void {
  const dir = resolve(webDir);
  if (!existsSync(join(dir, 'index.html'))) return; // WebController explains what to do
  app.useStaticAssets(dir, {
    index: 'index.html',
    setHeaders: (res: { setHeader(name: string, value: string): void }, path: string) => {
      res.setHeader('Cache-Control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
