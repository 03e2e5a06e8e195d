import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { deferred, writeRunLog } from '@app/testing';

const MAIN = 'dist/apps/webhook-dispatcher/main.js';

/** The dispatcher as a real child process (the built app, as `npm start` runs it), so a test can SIGKILL it. */
export class DispatcherProcess {
  private output = '';
  readonly exited: Promise<unknown>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = once(child, 'exit');
  }

  static async start(env: Record<string, string>): Promise<DispatcherProcess> {
    // Runs from the build; build it when a developer runs this suite alone.
    if (!existsSync(MAIN)) execFileSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Everything it prints also goes to the run log, for the secret scan after the whole run.
    const toRunLog = (chunk: Buffer) => writeRunLog(chunk, `webhook-dispatcher-${child.pid}`);
    child.stdout!.on('data', toRunLog);
    child.stderr!.on('data', toRunLog);
    let output = '';
    const ready = deferred<string>();
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(output);
      if (found) ready.resolve(found[1].replace('localhost', '127.0.0.1'));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => ready.reject(new Error(`dispatcher exited (${code ?? signal}) before listening:\n${output.slice(-3000)}`)));
    const timer = setTimeout(() => ready.reject(new Error(`dispatcher did not listen within 30 s:\n${output.slice(-3000)}`)), 30_000);
    try {
      const proc = new DispatcherProcess(child, await ready.promise);
      proc.output = output;
      child.stdout!.on('data', (c: Buffer) => (proc.output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (proc.output += c.toString()));
      return proc;
    } finally {
      clearTimeout(timer);
    }
  }

  get log(): string {
    return this.output;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}
