export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: Deferred<T>['resolve'];
  let reject!: Deferred<T>['reject'];
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  message?: string;
}

/**
 * Polls `probe` until it returns a truthy value. A throwing probe (e.g. a failing `expect`)
 * is retried; after the deadline the last error is rethrown with `message` prepended.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, message = 'waitFor timed out' } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  if (lastError instanceof Error) {
    lastError.message = `${message} after ${timeoutMs} ms: ${lastError.message}`;
    throw lastError;
  }
  if (lastError !== undefined) throw new Error(`${message} after ${timeoutMs} ms: ${String(lastError)}`);
  throw new Error(`${message} after ${timeoutMs} ms (probe stayed falsy)`);
}

/** Accumulates items (e.g. received messages) and lets a test await a count. */
export class Collector<T> {
  private readonly received: T[] = [];
  private waiters: { n: number; resolve: (items: T[]) => void }[] = [];

  push(item: T): void {
    this.received.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.received.length < w.n) return true;
      w.resolve(this.received.slice());
      return false;
    });
  }

  get items(): T[] {
    return this.received.slice();
  }

  waitForCount(n: number, timeoutMs = 10_000): Promise<T[]> {
    if (this.received.length >= n) return Promise.resolve(this.received.slice());
    return new Promise<T[]>((resolve, reject) => {
      const waiter = {
        n,
        resolve: (items: T[]) => {
          clearTimeout(timer);
          resolve(items);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`expected ${n} items within ${timeoutMs} ms, ${this.received.length} arrived`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/**
 * Rejects when `promise` does not settle within `ms`: a hang fails the test with a name instead of
 * timing out the whole run.
 * @example await within(app.close(), 15_000, 'app.close()');
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
