// `npm start`: compiles everything (swc, a few seconds, so dist is never older than the sources),
// then runs the launcher, dist/scripts/mesh/start.js (source and documentation: scripts/mesh/start.ts).
//
// The launcher runs in a process group of its own (detached), so a terminal's Ctrl-C reaches this
// wrapper only, which passes the signal on: the launcher then stops the apps first and the
// nats-server and PostgreSQL after them, instead of everything receiving the same SIGINT at once.
// If this wrapper dies, the launcher notices through the IPC channel and stops the mesh.
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('npm start: the build failed (see above); fix it and run npm start again.');
  process.exit(build.status ?? 1);
}

const launcher = spawn(process.execPath, ['dist/scripts/mesh/start.js'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  detached: true,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => launcher.kill(signal));
}
launcher.on('error', (err) => {
  console.error(`npm start: could not run the launcher: ${err.message}`);
  process.exit(1);
});
launcher.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
