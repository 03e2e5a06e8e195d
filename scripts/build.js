// Compiles apps/, libs/, bench/, test/fixtures/ and the launcher (scripts/mesh/) to ES modules
// under dist/ (same tree), then writes dist/apps/<name>/main.js so every app starts with
// `node dist/apps/<name>/main.js`, and the launcher with `node dist/scripts/mesh/start.js`.
// Then builds the console's single-page app (scripts/build-console-web.js) unless it is up to date,
// and the browser SDK's ESM bundle (scripts/build-client-logger.js).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsoleWeb, webBuildIsCurrent } from './build-console-web.js';
import { buildClientLogger } from './build-client-logger.js';

const dirs = ['apps', 'libs', 'bench', 'test/fixtures', 'scripts/mesh'].filter((d) => existsSync(d));
execFileSync(
  process.execPath,
  ['node_modules/@swc/cli/bin/swc.js', ...dirs, '-d', 'dist', '--config-file', '.swcrc', '--quiet',
    // apps/console/web and libs/client-logger are browser code: Vite builds them below.
    '--ignore', '**/*.spec.ts,**/*.int-spec.ts,**/*.e2e-spec.ts,apps/console/web/**,libs/client-logger/**'],
  { stdio: 'inherit' },
);
for (const app of existsSync('apps') ? readdirSync('apps') : []) {
  if (!existsSync(join('apps', app, 'src', 'main.ts'))) continue;
  writeFileSync(join('dist', 'apps', app, 'main.js'), "import './src/main.js';\n");
}
// package.json's bins (the `mesh` CLI) run by their shebang, and swc writes files without the x bit.
for (const file of Object.values(JSON.parse(readFileSync('package.json', 'utf8')).bin ?? {})) {
  if (existsSync(file)) chmodSync(file, 0o755);
}
if (existsSync('apps/console/web') && !webBuildIsCurrent()) await buildConsoleWeb();
if (existsSync('libs/client-logger')) await buildClientLogger();
