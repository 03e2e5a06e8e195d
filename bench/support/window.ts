/**
 * Runs `task(i)` for i in [0, n) with at most `inFlight` calls pending at any moment: a sliding
 * window (a finished call immediately makes room for the next), not batches-then-wait.
 * `inFlight = 1` is one await at a time. Returns the elapsed wall time in milliseconds.
 */
export async function runWindow(n: number, inFlight: number, task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, n)) }, lane));
  return performance.now() - started;
}
