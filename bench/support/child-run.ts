import { spawn } from 'node:child_process';

/** Time a bench gets after SIGTERM to stop its servers and drop its database. */
export const KILL_GRACE_MS = 15_000;

export interface ChildRun {
  status: 'ok' | 'failed' | 'deadline';
  exitCode: number | null;
  seconds: number;
  stdout: string;
}

function signalGroup(pid: number, signal: NodeJS.Signals, label: string): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    // ESRCH: the group is already gone.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') process.stderr.write(`=== ${label}: ${signal} failed: ${(err as Error).message}\n`);
  }
}

/**
 * Runs `node <script>` as a bench child: its own process group (so a deadline also stops the
 * nats-servers and apps it started), stdout kept and echoed to stderr with its progress. Past
 * `deadlineMs` the group gets SIGTERM (benches clean up on it), SIGKILL {@link KILL_GRACE_MS} later.
 */
export function runBenchChild(script: string, label: string, deadlineMs: number, env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true, env });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    process.stderr.write(chunk);
  });
  let tripped = false;
  const timer = setTimeout(() => {
    tripped = true;
    process.stderr.write(`=== ${label}: deadline passed, SIGTERM to its process group (SIGKILL in ${KILL_GRACE_MS / 1000} s)\n`);
    signalGroup(child.pid!, 'SIGTERM', label);
    setTimeout(() => signalGroup(child.pid!, 'SIGKILL', label), KILL_GRACE_MS).unref();
  }, deadlineMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 1000);
      resolve({ status: tripped ? 'deadline' : code === 0 ? 'ok' : 'failed', exitCode: code, seconds, stdout });
    });
  });
}
