import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Msg } from '@nats-io/transport-node';
import pg from 'pg';
import { freePort, writeRunLog } from '@app/testing';
import { DEFAULT_PORT_BASE, DEFAULT_PORTS, discoverApps } from '../scripts/mesh/apps.js';

// The `npm start` launcher, run for real: node on the built launcher, as a child process with a
// data dir and ports of its own, and NATS_URL / DATABASE_URL pointed at ports where nothing
// answers, so it must start its own nats-server and embedded PostgreSQL.

const LAUNCHER = 'dist/scripts/mesh/start.js';
const APPS_DIR = 'dist/apps';
const FAKE_APPS_DIR = 'dist/test/fixtures/mesh-apps';
const READY = 'Ctrl-C stops the mesh.';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The launcher as a child process, in a process group of its own (as scripts/mesh-start.js runs it). */
class Launcher {
  private out = '';
  private exit?: Exit;
  readonly exited: Promise<Exit>;

  private constructor(private readonly child: ChildProcess) {
    const onData = (chunk: Buffer) => {
      this.out += chunk.toString();
      writeRunLog(chunk, `launcher-${child.pid}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  static start(env: Record<string, string>, script = LAUNCHER): Launcher {
    const inherited = { ...process.env };
    for (const key of Object.keys(inherited)) if (key.startsWith('MESH_')) delete inherited[key];
    const child = spawn(process.execPath, [script], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const launcher = new Launcher(child);
    started.push(launcher);
    return launcher;
  }

  get output(): string {
    return this.out.replace(/\x1b\[[0-9;]*m/g, '');
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves once the output matches; fails with the output when the launcher exits first or time runs out. */
  async waitFor(pattern: string | RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const matches = () => (typeof pattern === 'string' ? this.output.includes(pattern) : pattern.test(this.output));
    while (!matches()) {
      if (this.exit) throw new Error(`launcher exited (${this.exit.code ?? this.exit.signal}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The exit, or a failure with the output when it takes longer than `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`launcher still running after ${timeoutMs} ms; output:\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.child.pid!, signal);
  }

  /**
   * Clean-up after a failed test: the launcher's process group and those of everything it started
   * (apps and nats-server lead groups of their own), found through /proc while it still runs.
   */
  kill(): void {
    if (!this.running) return;
    for (const pid of [this.child.pid!, ...descendants(this.child.pid!)]) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone, or not a group leader
        }
      }
    }
  }
}

const started: Launcher[] = [];

/** Every process below `root` (Linux /proc: the parent pid is the field after `(comm) state`). */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

interface AppRow {
  name: string;
  port: number;
  pid: number;
  health: string;
}

/** The rows of the printed app table: name, port, pid, health URL. */
function appRows(output: string): AppRow[] {
  return [...output.matchAll(/^ {2}(\S+) +(\d+) +(\d+) +(http:\/\/127\.0\.0\.1:\d+\/health\/events)$/gm)].map((m) => ({
    name: m[1]!,
    port: Number(m[2]),
    pid: Number(m[3]),
    health: m[4]!,
  }));
}

/** URL and pid of a server row (`nats-server` or `postgres`) of the printed table. */
function serverRow(output: string, service: string): { url: string; pid: number } {
  const m = new RegExp(`^ {2}${service} +(\\S+) +(\\d+) `, 'm').exec(output);
  if (!m) throw new Error(`no ${service} row in:\n${output}`);
  return { url: m[1]!, pid: Number(m[2]) };
}

/** The environment a process was started with (Linux: /proc/<pid>/environ). */
function startEnvOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * A base port with base..base+15 free, so every app (known or fake) gets a free port. Below the
 * kernel's ephemeral range (32768+), where freePort() finds the ports for NATS and PostgreSQL.
 */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const checks = await Promise.all(Array.from({ length: 16 }, (_, i) => answers(base + i)));
    if (!checks.some(Boolean)) return base;
  }
  throw new Error('no free range of 16 ports');
}

/** NATS_URL, DATABASE_URL where nothing answers, a port base, and the shared data dir. */
async function isolatedEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    NATS_URL: `nats://127.0.0.1:${await freePort()}`,
    DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/mesh_launcher_e2e`,
    MESH_DATA_DIR: dataDir,
    MESH_PORT_BASE: String(await freePortBase()),
    ...extra,
  };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function expectAllGone(pids: number[], ports: number[]): Promise<void> {
  expect(pids.filter(alive)).toEqual([]);
  const open = await Promise.all(ports.map(async (p) => ((await answers(p)) ? p : undefined)));
  expect(open.filter((p) => p !== undefined)).toEqual([]);
}

let dataDir: string;

beforeAll(() => {
  // The launcher and the fake apps run from the build, which must match the sources.
  execFileSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
  dataDir = mkdtempSync(join(tmpdir(), 'mesh-start-'));
  // As root, PostgreSQL runs as the user "postgres", which must be able to enter the data dir.
  chmodSync(dataDir, 0o755);
});

afterAll(() => {
  // Each run's full output, for a failure in CI: test-output/mesh-start/<n>.log (git-ignored).
  mkdirSync('test-output/mesh-start', { recursive: true });
  started.forEach((launcher, i) => writeFileSync(`test-output/mesh-start/${i + 1}.log`, launcher.output));
  for (const launcher of started) launcher.kill();
  // The apps' own logs (.mesh/logs) go to the run log too, for the secret scan after the whole run.
  const appLogs = join(dataDir, 'logs');
  if (existsSync(appLogs)) for (const file of readdirSync(appLogs)) writeRunLog(readFileSync(join(appLogs, file)), `mesh-logs-${file}`);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start launcher (scripts/mesh/start.ts)', () => {
  it('starts NATS, PostgreSQL and every built app, serves a vendor, and stops everything on SIGINT', async () => {
    // No admin key: a warning, and every app on 127.0.0.1 only.
    const env = await isolatedEnv({ ADMIN_API_KEY: '' });
    const base = Number(env.MESH_PORT_BASE);
    const built = discoverApps(APPS_DIR, base);
    const launcher = Launcher.start(env);

    await launcher.waitFor(READY, 90_000);
    const out = launcher.output;
    expect(out).toContain('warning: ADMIN_API_KEY is not set');
    expect(out).toContain('starting /');
    expect(out).toContain('-js on port');
    expect(out).toContain('starting an embedded PostgreSQL');

    // Every built app, on base + (default port - 3000), healthy.
    const apps = appRows(out);
    expect(apps.map((a) => a.name).sort()).toEqual(built.map((a) => a.name).sort());
    for (const app of apps) {
      const known = DEFAULT_PORTS[app.name];
      if (known !== undefined) expect(app.port).toBe(base + known - DEFAULT_PORT_BASE);
      expect(app.health).toBe(`http://127.0.0.1:${app.port}/health/events`);
      expect((await fetch(app.health)).status).toBe(200);
    }
    // Every cross-app URL follows MESH_PORT_BASE (search-sync's reindex once reached another mesh's
    // event store on 3001), and with no admin key every app binds 127.0.0.1: as each app was started.
    const store = apps.find((a) => a.name === 'event-store');
    const appUrls = apps.map((a) => `${a.name}=http://127.0.0.1:${a.port}`).sort();
    for (const app of apps) {
      const given = startEnvOf(app.pid);
      expect({ app: app.name, HOST: given.get('HOST'), EVENT_STORE_URL: given.get('EVENT_STORE_URL'), MESH_APP_URLS: given.get('MESH_APP_URLS')?.split(',').sort() }).toEqual({
        app: app.name,
        HOST: '127.0.0.1',
        EVENT_STORE_URL: store ? `http://127.0.0.1:${store.port}` : undefined,
        MESH_APP_URLS: appUrls,
      });
    }

    // Its own servers, on the ports of the URLs that did not answer.
    const nats = serverRow(out, 'nats-server');
    const postgres = serverRow(out, 'postgres');
    expect(nats.url).toBe(env.NATS_URL);
    expect(new URL(postgres.url).port).toBe(new URL(env.DATABASE_URL!).port);
    expect(new URL(postgres.url).pathname).toBe('/mesh_launcher_e2e');
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    try {
      // The database from DATABASE_URL exists; the apps ran their migrations in it.
      const { rows } = await db.query<{ outbox: string | null }>(`SELECT to_regclass('mesh_outbox')::text AS outbox`);
      expect(rows[0]!.outbox).toBe(apps.length > 0 ? 'mesh_outbox' : null);
    } finally {
      await db.end();
    }

    const vendorService = apps.find((a) => a.name === 'vendor-service');
    if (vendorService) {
      expect(out).toContain(`curl -X POST http://127.0.0.1:${vendorService.port}/vendors -H 'content-type: application/json'`);
      const nc = await connect({ servers: nats.url });
      try {
        const received = new Promise<Msg>((resolve) => {
          nc.subscribe('events.vendor.>', { max: 1, callback: (_err, msg) => resolve(msg) });
        });
        await nc.flush();
        const res = await fetch(`http://127.0.0.1:${vendorService.port}/vendors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Taco Stand', lat: 52.52, long: 13.4 }),
        });
        expect(res.status).toBe(201);
        const vendor = (await res.json()) as { id: string; name: string };
        expect(vendor.name).toBe('Taco Stand');
        let timer: NodeJS.Timeout | undefined;
        const msg = await Promise.race([
          received,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('no vendor event within 15 s')), 15_000);
          }),
        ]).finally(() => clearTimeout(timer));
        expect(msg.subject).toBe('events.vendor.created');
        expect(msg.json()).toMatchObject({ type: 'vendor.created', source: 'vendor-service', subject: vendor.id });
        expect((await getJson(`http://127.0.0.1:${vendorService.port}/vendors/${vendor.id}`)).body).toMatchObject({ id: vendor.id });
      } finally {
        await nc.close();
      }
    }

    // Each app's output is in its log file, not on the terminal; it listens on 127.0.0.1 only.
    for (const app of apps) {
      expect(readFileSync(join(dataDir, 'logs', `${app.name}.log`), 'utf8')).toMatch(/listening on http:\/\/(localhost|127\.0\.0\.1):\d+ \(127\.0\.0\.1 only\)/);
      expect(out).not.toMatch(new RegExp(`^${app.name} +\\|.*listening on`, 'm'));
    }
    // `mesh status` finds this mesh's apps and NATS from its state file, without MESH_PORT_BASE.
    const cliEnv: NodeJS.ProcessEnv = { ...process.env, MESH_DATA_DIR: dataDir };
    delete cliEnv.MESH_PORT_BASE;
    delete cliEnv.NATS_URL;
    const status = JSON.parse(execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'status', '--json'], { env: cliEnv, encoding: 'utf8' })) as {
      ok: boolean;
      apps: Array<{ name: string; url: string }>;
    };
    expect(status.ok).toBe(true);
    expect(status.apps.map((a) => [a.name, a.url]).sort()).toEqual(apps.map((a) => [a.name, `http://127.0.0.1:${a.port}`]).sort());

    launcher.signal('SIGINT');
    const exit = await launcher.waitExit(60_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(launcher.output).toContain('mesh stopped');
    expect(launcher.output).not.toContain('!!');
    expect(launcher.output).not.toMatch(/\bWARN\b|warning:(?! ADMIN_API_KEY)/i);
    expect(existsSync(join(dataDir, 'state.json'))).toBe(false);
    await expectAllGone(
      [...apps.map((a) => a.pid), nats.pid, postgres.pid],
      [...apps.map((a) => a.port), Number(new URL(nats.url).port), Number(new URL(postgres.url).port)],
    );
  }, 180_000);

  it('reports a crashed app with its exit code and last output, keeps the rest running, and exits 1 when stopped', async () => {
    const env = await isolatedEnv({ MESH_APPS_DIR: FAKE_APPS_DIR, MESH_APPS: 'steady,crasher,stubborn', MESH_STOP_GRACE_MS: '1500' });
    const launcher = Launcher.start(env);

    await launcher.waitFor(READY, 90_000);
    const apps = appRows(launcher.output);
    expect(apps.map((a) => a.name).sort()).toEqual(['crasher', 'steady', 'stubborn']);
    const app = (name: string) => apps.find((a) => a.name === name)!;
    const nats = serverRow(launcher.output, 'nats-server');
    const postgres = serverRow(launcher.output, 'postgres');

    // What each app was given.
    const given = (await getJson(`http://127.0.0.1:${app('steady').port}/env`)).body;
    expect(given).toEqual({ pid: app('steady').pid, PORT: String(app('steady').port), NATS_URL: nats.url, DATABASE_URL: postgres.url });
    // Its output is in .mesh/logs/steady.log; the terminal has only the launcher's lines and errors.
    expect(readFileSync(join(dataDir, 'logs', 'steady.log'), 'utf8')).toMatch(/^steady: listening on port \d+$/m);
    expect(launcher.output).not.toContain('steady: listening on port');

    await fetch(`http://127.0.0.1:${app('crasher').port}/crash`).catch(() => undefined);
    await launcher.waitFor(/crasher \(pid \d+\) exited unexpectedly with code 3/, 10_000);
    await launcher.waitFor('Still running: steady, stubborn', 5_000);
    const report = launcher.output.slice(launcher.output.indexOf('crasher (pid'));
    expect(report).toContain('crasher: about to fail: simulated crash');
    expect(launcher.running).toBe(true);
    expect((await fetch(app('steady').health)).status).toBe(200);

    launcher.signal('SIGINT');
    const exit = await launcher.waitExit(60_000);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(launcher.output).toContain('stubborn did not stop within 1.5 s: killed (SIGKILL)');
    expect(readFileSync(join(dataDir, 'logs', 'steady.log'), 'utf8')).toContain('steady: SIGTERM: closing');
    await expectAllGone(
      [...apps.map((a) => a.pid), nats.pid, postgres.pid],
      [...apps.map((a) => a.port), Number(new URL(nats.url).port), Number(new URL(postgres.url).port)],
    );
  }, 150_000);

  it('fails the start-up when an app exits before it is healthy, naming it with its last output, and stops the rest', async () => {
    const env = await isolatedEnv({ MESH_APPS_DIR: FAKE_APPS_DIR, MESH_APPS: 'steady,broken' });
    const steady = discoverApps(FAKE_APPS_DIR, Number(env.MESH_PORT_BASE)).find((a) => a.name === 'steady')!;
    const launcher = Launcher.start(env);

    const exit = await launcher.waitExit(90_000);
    expect(exit).toEqual({ code: 1, signal: null });
    const out = launcher.output;
    expect(out).toContain('broken exited during start-up (code 2)');
    expect(out).toContain('broken: cannot start: FAKE_REQUIRED is not set');
    expect(out).not.toContain(READY);
    expect(out).toContain('PostgreSQL stopped');
    expect(out).toContain('nats-server stopped');
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    await expectAllGone([], [steady.port, Number(new URL(env.NATS_URL!).port), Number(new URL(env.DATABASE_URL!).port)]);
  }, 120_000);

  it('npm start (scripts/mesh-start.js) says how to install nats-server when none exists, before starting anything', async () => {
    const env = await isolatedEnv({ NATS_SERVER_BIN: join(dataDir, 'no-such-nats-server') });
    const launcher = Launcher.start(env, 'scripts/mesh-start.js');

    const exit = await launcher.waitExit(60_000);
    expect(exit).toEqual({ code: 1, signal: null });
    const out = launcher.output;
    expect(out).toContain('apt install nats-server');
    expect(out).toContain('brew install nats-server');
    expect(out).toContain('docker run -p 4222:4222 nats -js');
    expect(out).not.toContain('starting an embedded PostgreSQL');
  }, 60_000);

  it('rejects an unknown name in MESH_APPS with the list of built apps', async () => {
    const env = await isolatedEnv({ MESH_APPS_DIR: FAKE_APPS_DIR, MESH_APPS: 'steady,nope' });
    const launcher = Launcher.start(env);

    expect(await launcher.waitExit(30_000)).toEqual({ code: 1, signal: null });
    expect(launcher.output).toContain('MESH_APPS names nope, which is not built.');
    expect(launcher.output).toContain('Built apps: broken, crasher, steady, stubborn');
  }, 60_000);
});
