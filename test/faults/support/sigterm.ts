import type { AppProcess } from '@app/testing';

/** The promise of the mesh: a consumer app stopped by SIGTERM under load exits within this. */
export const SIGTERM_EXIT_LIMIT_MS = 30_000;

/**
 * SIGTERM to a real app process; resolves with how long it took to exit and how it exited.
 * The kill -9 after the limit only keeps a hung app from outliving the suite: the caller
 * asserts the time, so a hang still fails the case.
 */
export async function sigtermTimed(app: AppProcess): Promise<{ exitMs: number; exit: { code: number | null; signal: NodeJS.Signals | null } }> {
  const at = Date.now();
  const stopping = app.stop();
  const hung = setTimeout(() => void app.kill('SIGKILL'), SIGTERM_EXIT_LIMIT_MS + 5_000);
  try {
    await stopping;
  } finally {
    clearTimeout(hung);
  }
  const exitMs = Date.now() - at;
  process.stdout.write(`[faults] SIGTERM: ${app.app} exited in ${exitMs} ms\n`);
  return { exitMs, exit: await app.exited };
}
