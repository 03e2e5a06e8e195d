import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { freePort } from './nats-server.js';
import { waitFor } from './wait.js';
import { runLogFile, writeRunLog } from './run-log.js';

const LOG_CHARS = 20_000;
const PORT_ATTEMPTS = 5;

export interface AppProcessOptions {
  /** Environment on top of this process's own. `PORT` is set to a free port unless given. */
  env?: Record<string, string>;
  /** How long to wait for `/health/events` to answer 200. */
  readyTimeoutMs?: number;
}

/**
 * A built app (`dist/apps/<name>/main.js`) as a real child process, for tests that kill -9 it.
 * Builds `dist/` first when a developer runs a suite alone without it.
 * @example
 * const store = await AppProcess.start('event-store', { env: { NATS_URL: cluster.url, DATABASE_URL: db.url } });
 * await store.kill();
 */
export class AppProcess {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly app: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    // All of it to test-output/logs/<suite>.<app>-<pid>.log for the whole-run secret scan; the last part kept here.
    const logName = `${app}-${child.pid}`;
    const onData = (chunk: Buffer) => {
      writeRunLog(chunk, logName);
      this.output = (this.output + chunk.toString()).slice(-LOG_CHARS);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  static async start(app: string, opts: AppProcessOptions = {}): Promise<AppProcess> {
    const main = `dist/apps/${app}/main.js`;
    if (!existsSync(main)) execFileSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
    // A port free a moment ago can be taken before the app binds it; one we chose is chosen again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await AppProcess.spawn(main, app, opts);
      } catch (err) {
        const portTaken = (err as Error).message.includes('EADDRINUSE');
        if (!portTaken || opts.env?.PORT !== undefined || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  }

  private static async spawn(main: string, app: string, opts: AppProcessOptions): Promise<AppProcess> {
    const port = Number(opts.env?.PORT ?? (await freePort()));
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, ...opts.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new AppProcess(app, port, child);
    let gone: string | undefined;
    void proc.exited.then(({ code, signal }) => (gone = `${app} exited (${code ?? signal})`));
    try {
      await waitFor(
        async () => {
          if (gone) throw new Error(gone);
          const res = await fetch(`${proc.url}/health/events`, { signal: AbortSignal.timeout(1_000) });
          await res.body?.cancel();
          return res.status === 200;
        },
        { timeoutMs: opts.readyTimeoutMs ?? 30_000, intervalMs: 200, message: `${app} was not ready` },
      );
    } catch (err) {
      await proc.kill();
      throw new Error(`${(err as Error).message}\n--- ${app} output ---\n${proc.log.slice(-4_000)}`);
    }
    return proc;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The file that holds everything the process printed. */
  get logFile(): string {
    return runLogFile(`${this.app}-${this.pid}`);
  }

  /** What the process printed (the last 20,000 characters). */
  get log(): string {
    return this.output;
  }

  /** Sends the signal (SIGKILL unless told) and resolves once the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM: the app's own graceful shutdown. */
  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}
