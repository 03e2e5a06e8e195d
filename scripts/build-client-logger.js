// Builds the browser SDK (libs/client-logger) into minified ES modules a web page imports:
// dist/libs/client-logger/client-logger.js (the core, no framework) and client-logger-react.js
// (the React binding; `react` stays an import for the page's bundler, never inlined).
//   node scripts/build-client-logger.js [outDir]    type-check (libs/client-logger/tsconfig.json), then vite build
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'libs/client-logger');
export const CLIENT_LOGGER_OUT = join(ROOT, 'dist/libs/client-logger');

export async function buildClientLogger(outDir = CLIENT_LOGGER_OUT) {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(SRC, 'tsconfig.json')], { stdio: 'inherit' });
  // Vite picks React's development JSX runtime (jsxDEV) under any other NODE_ENV (jest sets `test`).
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  const bundle = (entry, fileName, emptyOutDir, external = []) =>
    build({
      configFile: false,
      root: SRC,
      logLevel: 'warn',
      build: {
        outDir: resolve(outDir),
        emptyOutDir,
        sourcemap: true,
        // Vite keeps an ES library's whitespace (for the page's bundler); this file is what a page loads as is.
        rolldownOptions: { external, output: { minify: true } },
        lib: { entry: join(SRC, entry), formats: ['es'], fileName: () => fileName },
      },
    });
  await bundle('src/client-logger.ts', 'client-logger.js', true);
  // One after the other: the second must not empty the folder the first wrote.
  await bundle('src/react/index.ts', 'client-logger-react.js', false, ['react', 'react/jsx-runtime']);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildClientLogger(process.argv[2] ? resolve(process.argv[2]) : CLIENT_LOGGER_OUT);
}
