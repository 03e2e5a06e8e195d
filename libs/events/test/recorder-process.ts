import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { Deferred, deferred, writeRunLog } from '@app/testing';
import type { Mesh } from './support.js';

const MAIN = 'dist/test/fixtures/recorder/main.js';

/** The recorder app as a real child process, so a test can SIGKILL or SIGTERM it. */
export class RecorderProcess {
  private output = '';
  private readonly waiters: { text: string; done: Deferred<void> }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    const onData = (chunk: Buffer) => {
      writeRunLog(chunk, `recorder-${child.pid}`);
      this.output += chunk.toString();
      for (const w of this.waiters) if (this.output.includes(w.text)) w.done.resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  static async start(mesh: Mesh, env: Record<string, string> = {}): Promise<RecorderProcess> {
    // The fixture runs from the build; build it when a developer runs this suite alone.
    if (!existsSync(MAIN)) execFileSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NATS_URL: mesh.nats.url,
        DATABASE_URL: mesh.db.url,
        CONSUMER_ACK_WAIT: '2s',
        CONSUMER_BACKOFF: '200ms',
        RECORDER_TRACE: '1',
        PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new RecorderProcess(child);
    await proc.waitForOutput('READY', 20_000);
    return proc;
  }

  /** Resolves once the process printed `text`; fails with its output after the deadline. */
  async waitForOutput(text: string, timeoutMs = 10_000): Promise<void> {
    if (this.output.includes(text)) return;
    const done = deferred<void>();
    this.waiters.push({ text, done });
    const timer = setTimeout(() => done.reject(new Error(`no "${text}" within ${timeoutMs} ms; output:\n${this.output.slice(-3000)}`)), timeoutMs);
    const exited = this.exited.then(({ code, signal }) => {
      throw new Error(`recorder exited (${code ?? signal}) before printing "${text}":\n${this.output.slice(-3000)}`);
    });
    try {
      await Promise.race([done.promise, exited]);
    } finally {
      clearTimeout(timer);
    }
  }

  get log(): string {
    return this.output;
  }

  kill(signal: NodeJS.Signals) {
    this.child.kill(signal);
    return this.exited;
  }
}
