import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './wait.js';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const LOG_LINES = 40;
const PORT_ATTEMPTS = 5;

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: HOST, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

async function isHealthy(monitorUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${monitorUrl}/healthz?js-enabled-only=true`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

export interface NatsServerOptions {
  port?: number;
  storeDir?: string;
  /** Server name (`server_name`), required for a JetStream cluster node. */
  name?: string;
  /** Extra nats-server arguments (e.g. the cluster flags of {@link NatsClusterHarness}). */
  args?: string[];
}

/** A real nats-server child process with JetStream on a temp store dir, for kill/restart tests. */
export class NatsServerHarness {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly log: string[] = [];

  private constructor(
    readonly port: number,
    private readonly monitorPort: number,
    readonly storeDir: string,
    private readonly ownsStoreDir: boolean,
    private readonly extraArgs: string[],
    readonly name: string | undefined,
  ) {}

  get url(): string {
    return `nats://${HOST}:${this.port}`;
  }

  get monitorUrl(): string {
    return `http://${HOST}:${this.monitorPort}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  static async start(opts: NatsServerOptions = {}): Promise<NatsServerHarness> {
    const storeDir = opts.storeDir ?? (await mkdtemp(join(tmpdir(), 'nats-test-')));
    // A port free a moment ago can be taken (an outgoing connection's ephemeral port) before the
    // server binds it; ports we chose ourselves are chosen again rather than failing the suite.
    for (let attempt = 1; ; attempt++) {
      const harness = new NatsServerHarness(
        opts.port ?? (await freePort()),
        await freePort(),
        storeDir,
        opts.storeDir === undefined,
        opts.args ?? [],
        opts.name,
      );
      try {
        await harness.spawn();
        return harness;
      } catch (err) {
        const log = harness.logTail();
        const fixedPortTaken = opts.port !== undefined && log.includes(`${HOST}:${opts.port}`);
        if (log.includes('address already in use') && !fixedPortTaken && attempt < PORT_ATTEMPTS) continue;
        if (harness.ownsStoreDir) await rm(storeDir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  /** Starts again on the same port and store dir (stopping first if still running). */
  async restart(): Promise<void> {
    await this.stop();
    await this.spawn();
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const { child, exited } = this;
    if (!child || !exited) return;
    child.kill(signal);
    await exited;
  }

  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.ownsStoreDir) await rm(this.storeDir, { recursive: true, force: true });
  }

  /** GET a monitoring endpoint (`/jsz?streams=true`, `/connz`) as JSON. */
  async monitor<T>(path: string): Promise<T> {
    const res = await fetch(`${this.monitorUrl}${path}`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) throw new Error(`${this.name ?? this.url} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Last lines of the server's stdout/stderr. */
  logTail(): string {
    return this.log.join('\n');
  }

  private record(chunk: Buffer): void {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      this.log.push(line);
      if (this.log.length > LOG_LINES) this.log.shift();
    }
  }

  private async spawn(): Promise<void> {
    const bin = process.env.NATS_SERVER_BIN || 'nats-server';
    const args = ['-js', '-a', HOST, '-p', String(this.port), '-m', String(this.monitorPort), '-sd', this.storeDir];
    if (this.name) args.push('-n', this.name);
    const child = spawn(bin, [...args, ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let exitInfo: string | undefined;
    child.stdout?.on('data', (c: Buffer) => this.record(c));
    child.stderr?.on('data', (c: Buffer) => this.record(c));
    this.child = child;
    this.exited = new Promise<void>((resolve) => {
      const done = (info: string) => {
        exitInfo ??= info;
        if (this.child === child) {
          this.child = undefined;
          this.exited = undefined;
        }
        resolve();
      };
      child.once('error', (err) => done(`failed to spawn ${bin}: ${err.message}`));
      // 'close' rather than 'exit': by then stdout/stderr are drained into the log.
      child.once('close', (code, signal) => done(`exited with ${signal ?? `code ${code}`}`));
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (exitInfo === undefined) {
      if ((await canConnect(this.port)) && (await isHealthy(this.monitorUrl))) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`nats-server on port ${this.port} not ready within ${READY_TIMEOUT_MS} ms\n${this.logTail()}`);
      }
      await sleep(50);
    }
    throw new Error(`nats-server${this.name ? ` ${this.name}` : ''} on port ${this.port} ${exitInfo}\n${this.logTail()}`);
  }
}
