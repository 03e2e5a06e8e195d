// Builds the browser SDK (libs/client-logger) into one minified ES module,
// dist/libs/client-logger/client-logger.js, that a web page imports.
//   node scripts/build-client-logger.js [outDir]    type-check (libs/client-logger/tsconfig.json), then vite build
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'libs/client-logger');
export const CLIENT_LOGGER_OUT = join(ROOT, 'dist/libs/client-logger');

export async function buildClientLogger(outDir = CLIENT_LOGGER_OUT) {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(SRC, 'tsconfig.json')], { stdio: 'inherit' });
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: SRC,
    logLevel: 'warn',
    build: {
      outDir: resolve(outDir),
      emptyOutDir: true,
      sourcemap: true,
      lib: { entry: join(SRC, 'src/client-logger.ts'), formats: ['es'], fileName: () => 'client-logger.js' },
    },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildClientLogger(process.argv[2] ? resolve(process.argv[2]) : CLIENT_LOGGER_OUT);
}
