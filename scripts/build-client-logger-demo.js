// Builds the React shop page the Chromium tests drive (libs/client-logger/test-pages/react-shop.tsx)
// into one ES module, React inlined, so a plain HTML page can load it.
//   node scripts/build-client-logger-demo.js <outDir>
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'libs/client-logger');
const outDir = process.argv[2];
if (!outDir) throw new Error('usage: node scripts/build-client-logger-demo.js <outDir>');
// Vite picks React's development JSX runtime under any other NODE_ENV (jest sets `test`).
process.env.NODE_ENV = 'production';
const { build } = await import('vite');
await build({
  configFile: false,
  root: SRC,
  logLevel: 'warn',
  // Library mode leaves process.env.NODE_ENV to the page's bundler; this page has none.
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    // Component names kept, so the logged component stack reads as the source does (a real page maps it with its sourcemap).
    minify: false,
    outDir: resolve(outDir),
    emptyOutDir: true,
    lib: { entry: join(SRC, 'test-pages/react-shop.tsx'), formats: ['es'], fileName: () => 'react-shop.js' },
  },
});
