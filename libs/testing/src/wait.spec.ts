import { Collector, deferred, waitFor } from './wait.js';

describe(waitFor.name, () => {
  it('resolves with the first truthy probe result', async () => {
    let calls = 0;
    await expect(waitFor(() => ++calls >= 3 && calls, { intervalMs: 1 })).resolves.toBe(3);
  });

  it('rethrows the last probe error with the message after the deadline', async () => {
    const probe = () => expect(1).toBe(2);
    await expect(waitFor(probe, { timeoutMs: 30, intervalMs: 5, message: 'never equal' })).rejects.toThrow(
      /never equal after 30 ms/,
    );
  });
});

describe(Collector.name, () => {
  it('resolves once n items arrived', async () => {
    const c = new Collector<number>();
    const waiting = c.waitForCount(2);
    c.push(1);
    c.push(2);
    await expect(waiting).resolves.toEqual([1, 2]);
  });

  it('rejects saying how many items arrived', async () => {
    const c = new Collector<string>();
    c.push('a');
    await expect(c.waitForCount(3, 20)).rejects.toThrow(/expected 3 items within 20 ms, 1 arrived/);
  });
});

describe(deferred.name, () => {
  it('settles from outside', async () => {
    const d = deferred<string>();
    d.resolve('done');
    await expect(d.promise).resolves.toBe('done');
  });
});
