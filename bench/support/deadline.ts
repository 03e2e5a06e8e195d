/**
 * An overall deadline for a bench process: when it trips, the bench's cleanup gets a few seconds
 * (to stop the nats-server it started, drop its database), then the process exits with 124 so a
 * runner or CI sees the failure instead of a hang. The timer is unref'd: a finished bench exits.
 * A SIGTERM (the runner's own deadline) gets the same cleanup.
 */
export function armDeadline(name: string, ms: number, cleanup: () => Promise<unknown>): void {
  const stop = (why: string) => {
    process.stderr.write(`[bench] ${name}: ${why}; cleaning up and exiting 124\n`);
    const forced = setTimeout(() => process.exit(124), 10_000);
    forced.unref();
    cleanup().then(
      () => process.exit(124),
      (err: unknown) => {
        process.stderr.write(`[bench] cleanup after the deadline failed: ${(err as Error).message}\n`);
        process.exit(124);
      },
    );
  };
  const timer = setTimeout(() => stop(`deadline of ${Math.round(ms / 1000)} s passed`), ms);
  timer.unref();
  process.once('SIGTERM', () => stop('SIGTERM'));
}
