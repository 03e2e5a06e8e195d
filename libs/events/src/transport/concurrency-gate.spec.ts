import { jest } from '@jest/globals';
import { ConcurrencyGate } from './concurrency-gate.js';

/** Lets every already-settled promise callback run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe(ConcurrencyGate.name, () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('lets up to the limit acquire at once', async () => {
    const gate = new ConcurrencyGate(3);
    await gate.acquire();
    await gate.acquire();
    await gate.acquire();
    expect(gate.inFlight).toBe(3);
  });

  it('tryAcquire takes a free slot at once and refuses past the limit, leaving the count unchanged', async () => {
    const gate = new ConcurrencyGate(2);
    expect(gate.tryAcquire()).toBe(true);
    await gate.acquire();
    expect(gate.tryAcquire()).toBe(false);
    expect(gate.inFlight).toBe(2);
    gate.release();
    expect(gate.tryAcquire()).toBe(true);
    expect(gate.inFlight).toBe(2);
  });

  it('makes the acquirer past the limit wait until a slot is released', async () => {
    const gate = new ConcurrencyGate(2);
    await gate.acquire();
    await gate.acquire();
    let acquired = false;
    const third = gate.acquire().then(() => {
      acquired = true;
    });
    await flush();
    expect(acquired).toBe(false);
    expect(gate.inFlight).toBe(2);

    gate.release();
    await third;
    expect(acquired).toBe(true);
    expect(gate.inFlight).toBe(2);
  });

  it('hands freed slots to waiters in arrival order', async () => {
    const gate = new ConcurrencyGate(1);
    await gate.acquire();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => gate.acquire().then(() => order.push(n)));
    await flush();
    expect(order).toEqual([]);

    gate.release();
    await flush();
    expect(order).toEqual([1]);
    gate.release();
    gate.release();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    expect(gate.inFlight).toBe(1);
  });

  it('never runs more tasks at once than the limit', async () => {
    const gate = new ConcurrencyGate(4);
    let running = 0;
    let peak = 0;
    const task = async (i: number) => {
      await gate.acquire();
      try {
        running++;
        peak = Math.max(peak, running);
        for (let k = 0; k < (i % 5) + 1; k++) await flush();
      } finally {
        running--;
        gate.release();
      }
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => task(i)));
    expect(peak).toBe(4);
    expect(gate.inFlight).toBe(0);
  });

  it('counts a slot free again after release', async () => {
    const gate = new ConcurrencyGate(2);
    await gate.acquire();
    await gate.acquire();
    gate.release();
    expect(gate.inFlight).toBe(1);
    gate.release();
    expect(gate.inFlight).toBe(0);
  });

  describe('idle', () => {
    it('resolves true at once when nothing runs', async () => {
      await expect(new ConcurrencyGate(2).idle(0)).resolves.toBe(true);
    });

    it('resolves true once the last running task releases', async () => {
      const gate = new ConcurrencyGate(2);
      await gate.acquire();
      await gate.acquire();
      let result: boolean | undefined;
      const idle = gate.idle(60_000).then((r) => (result = r));
      gate.release();
      await flush();
      expect(result).toBeUndefined();
      gate.release();
      await idle;
      expect(result).toBe(true);
    });

    it('does not count a handed-over slot as idle', async () => {
      const gate = new ConcurrencyGate(1);
      await gate.acquire();
      const next = gate.acquire();
      let result: boolean | undefined;
      void gate.idle(60_000).then((r) => (result = r));
      gate.release();
      await next;
      await flush();
      expect(result).toBeUndefined();
      gate.release();
      await flush();
      expect(result).toBe(true);
    });

    it('resolves false after the timeout while a task still runs', async () => {
      jest.useFakeTimers();
      const gate = new ConcurrencyGate(1);
      await gate.acquire();
      let result: boolean | undefined;
      const idle = gate.idle(5_000).then((r) => (result = r));
      await jest.advanceTimersByTimeAsync(4_999);
      expect(result).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      await idle;
      expect(result).toBe(false);
      expect(gate.inFlight).toBe(1);
    });

    it('resolves every waiter when the gate drains', async () => {
      const gate = new ConcurrencyGate(1);
      await gate.acquire();
      const waiters = [gate.idle(60_000), gate.idle(60_000)];
      gate.release();
      await expect(Promise.all(waiters)).resolves.toEqual([true, true]);
    });

    it('clears its timer once idle, leaving no timer behind', async () => {
      jest.useFakeTimers();
      const gate = new ConcurrencyGate(1);
      await gate.acquire();
      const idle = gate.idle(60_000);
      expect(jest.getTimerCount()).toBe(1);
      gate.release();
      await expect(idle).resolves.toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
