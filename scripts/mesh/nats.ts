import { spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { eachLine, LineLog } from './output.js';
import { httpGet, isLoopback, LOCALHOST, MeshError, natsAnswers, portOr, sleep } from './net.js';
import { describeExit, exitOf, type ExitInfo, terminate } from './process.js';

const READY_TIMEOUT_MS = 15_000;

export const INSTALL_NATS_HINT = [
  'Install a nats-server (2.9 or newer) and run npm start again:',
  '  Debian/Ubuntu:  sudo apt install nats-server',
  '  macOS:          brew install nats-server',
  '  Docker:         docker run -p 4222:4222 nats -js     (then npm start uses it)',
  'or point NATS_SERVER_BIN at a nats-server binary, or NATS_URL at a running server.',
];

/** What to do about NATS: use the server(s) in NATS_URL, or start our own. */
export type NatsPlan = { mode: 'use'; url: string } | { mode: 'start'; bin: string; port: number };

function parseServers(list: string): URL[] {
  return list.split(',').map((s) => {
    const raw = s.trim();
    try {
      return new URL(raw.includes('://') ? raw : `nats://${raw}`);
    } catch {
      throw new MeshError(`NATS_URL: "${raw}" is not a server URL; write e.g. nats://127.0.0.1:4222`);
    }
  });
}

const portOf = (u: URL) => Number(u.port || 4222);

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** NATS_SERVER_BIN, else `nats-server` from PATH; a MeshError saying how to install one when neither exists. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.NATS_SERVER_BIN;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new MeshError(`NATS_SERVER_BIN=${explicit} is not an executable file.`, INSTALL_NATS_HINT);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'nats-server'))) return join(dir, 'nats-server');
  }
  throw new MeshError('Nothing answers at NATS_URL and no nats-server binary is on PATH.', INSTALL_NATS_HINT);
}

/**
 * Uses NATS_URL when any of its servers answers; otherwise, when it names this machine, plans a
 * nats-server of our own on its port (or a free one when something else holds that port).
 */
export async function planNats(requested: string): Promise<NatsPlan> {
  const servers = parseServers(requested);
  const answers = await Promise.all(servers.map((u) => natsAnswers(u.hostname, portOf(u))));
  if (answers.some(Boolean)) return { mode: 'use', url: requested };
  const first = servers[0]!;
  if (!isLoopback(first.hostname) || first.protocol !== 'nats:') {
    throw new MeshError(`NATS_URL=${requested} does not answer.`, [
      'Start that server, or unset NATS_URL to let npm start run a local nats-server.',
    ]);
  }
  const bin = findNatsServer();
  return { mode: 'start', bin, port: await portOr(portOf(first)) };
}

/** A nats-server started by the launcher: JetStream on, store under <data>/nats, log in <data>/nats.log. */
export class LocalNats {
  readonly log = new LineLog(40);
  version?: string;
  running = true;

  private constructor(
    readonly pid: number | undefined,
    readonly port: number,
    readonly monitorPort: number,
    readonly storeDir: string,
    readonly logFile: string,
    readonly exited: Promise<ExitInfo>,
  ) {}

  get url(): string {
    return `nats://${LOCALHOST}:${this.port}`;
  }

  get monitorUrl(): string {
    return `http://${LOCALHOST}:${this.monitorPort}`;
  }

  static async start(bin: string, port: number, dataDir: string): Promise<LocalNats> {
    const storeDir = join(dataDir, 'nats');
    const logFile = join(dataDir, 'nats.log');
    mkdirSync(storeDir, { recursive: true });
    const monitorPort = await portOr(8222);
    const args = ['-js', '-a', LOCALHOST, '-p', String(port), '-m', String(monitorPort), '-sd', storeDir];
    // Own process group: a terminal's Ctrl-C must not stop it before the apps that use it.
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const nats = new LocalNats(child.pid, port, monitorPort, storeDir, logFile, exitOf(child));
    void nats.exited.then(() => (nats.running = false));
    const file = createWriteStream(logFile).on('error', () => undefined);
    const record = (line: string) => {
      if (!file.writableEnded) file.write(`${line}\n`);
      nats.log.push(line);
      nats.version ??= /Version:\s+(\S+)/.exec(line)?.[1];
    };
    eachLine(child.stdout, record);
    eachLine(child.stderr, record);
    void nats.exited.then(() => file.end());
    await nats.waitReady();
    return nats;
  }

  private async waitReady(): Promise<void> {
    const seen: { exit?: ExitInfo } = {};
    void this.exited.then((e) => (seen.exit = e));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!seen.exit) {
      const health = await httpGet(`${this.monitorUrl}/healthz?js-enabled-only=true`, 1_000);
      if (health.status === 200 && (await natsAnswers(LOCALHOST, this.port))) return;
      if (Date.now() > deadline) {
        await this.stop(2_000);
        throw new MeshError(`nats-server on port ${this.port} was not ready within ${READY_TIMEOUT_MS / 1000} s.`, this.log.tail(15));
      }
      await sleep(100);
    }
    throw new MeshError(`nats-server on port ${this.port} exited at start-up (${describeExit(seen.exit)}).`, this.log.tail(15));
  }

  stop(graceMs: number): Promise<'stopped' | 'killed'> {
    return terminate(this.pid, this.exited, graceMs, { group: true });
  }
}
