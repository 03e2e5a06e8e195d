import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { waitFor, writeRunLog } from '@app/testing';

export const CLI = 'dist/apps/cli/main.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
}

/** The CLI runs from the build, as an operator runs it; built when a developer runs this suite alone. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
}

const childEnv = (env: CliRunOptions['env'] = {}) => {
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
};

/** A running `mesh` process whose output a test can wait for. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;

  constructor(private readonly child: ChildProcess) {
    // Also to the run log, for the secret scan after the whole run.
    const toRunLog = (c: Buffer) => writeRunLog(c, `mesh-cli-${child.pid}`);
    child.stdout!.on('data', (c: Buffer) => (this.stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    child.stdout!.on('data', toRunLog);
    child.stderr!.on('data', toRunLog);
    this.exited = once(child, 'close').then(([code]) => ({ code: code as number | null, stdout: this.stdout, stderr: this.stderr }));
  }

  static start(args: string[], options: CliRunOptions = {}): CliProcess {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
    return new CliProcess(child);
  }

  async waitForOutput(pattern: string | RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 10_000): Promise<void> {
    const test = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
    await waitFor(() => test(this[stream]), { timeoutMs, message: `mesh never printed ${pattern} on ${stream}:\n${this.stdout}\n${this.stderr}` });
  }

  /** The exit, or a failure naming the output when it has not come within the deadline (the process is killed). */
  async finished(timeoutMs = 20_000): Promise<CliResult> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`mesh did not exit within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  stop(signal: NodeJS.Signals = 'SIGINT'): Promise<CliResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Runs `mesh <args>` to its end. */
export const mesh = (args: string[], options: CliRunOptions = {}): Promise<CliResult> => CliProcess.start(args, options).finished();
