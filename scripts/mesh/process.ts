import type { ChildProcess } from 'node:child_process';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

export function describeExit(exit: ExitInfo): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/**
 * Resolves once `child` has exited and its output is drained ('close'). A grandchild holding the
 * pipes open must not hang the launcher, so 'exit' plus a short wait also counts.
 */
export function exitOf(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (info: ExitInfo) => {
      if (settled) return;
      settled = true;
      resolve(info);
    };
    child.once('error', (error) => done({ code: null, signal: null, error }));
    child.once('close', (code, signal) => done({ code, signal }));
    child.once('exit', (code, signal) => setTimeout(() => done({ code, signal }), 1_000).unref());
  });
}

/** True while a process with this pid exists (signal 0 probes without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to the process, or to its whole process group when it leads one (detached). */
export function signalProcess(pid: number | undefined, signal: NodeJS.Signals, group = false): void {
  if (pid === undefined) return;
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {
    // already gone
  }
}

/** Resolves true when `exited` settles within `ms`, false when the time runs out first. */
export function within(exited: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * The polite stop: `first` (SIGTERM), up to `graceMs` to exit, then SIGKILL.
 * Resolves 'stopped' or 'killed' (the grace ran out).
 */
export async function terminate(
  pid: number | undefined,
  exited: Promise<unknown>,
  graceMs: number,
  { group = false, first = 'SIGTERM' as NodeJS.Signals } = {},
): Promise<'stopped' | 'killed'> {
  signalProcess(pid, first, group);
  if (await within(exited, graceMs)) return 'stopped';
  signalProcess(pid, 'SIGKILL', group);
  await exited;
  return 'killed';
}
