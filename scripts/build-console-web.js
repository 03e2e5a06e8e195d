// Builds the console's single-page app (apps/console/web: React 19, TSX compiled by Vite 8 itself,
// automatic JSX runtime) into dist/apps/console/web, which apps/console serves.
//   node scripts/build-console-web.js [outDir]    type-check (web/tsconfig.json), then vite build
// scripts/build.js calls buildConsoleWeb() and skips it while the output is newer than every source.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_SRC = join(ROOT, 'apps/console/web');
export const WEB_OUT = join(ROOT, 'dist/apps/console/web');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when outDir holds a build newer than every file of the web sources. */
export function webBuildIsCurrent(outDir = WEB_OUT) {
  const index = join(outDir, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs > newestMtime(WEB_SRC);
}

export async function buildConsoleWeb(outDir = WEB_OUT) {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(WEB_SRC, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit' });
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: WEB_SRC,
    base: './',
    logLevel: 'warn',
    // No @vitejs/plugin-react: Vite compiles TSX itself; the automatic runtime needs no React import.
    oxc: { jsx: { runtime: 'automatic' } },
    build: { outDir: resolve(outDir), emptyOutDir: true, chunkSizeWarningLimit: 1024, sourcemap: true },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildConsoleWeb(process.argv[2] ? resolve(process.argv[2]) : WEB_OUT);
}
