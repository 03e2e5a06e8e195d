import { jest } from '@jest/globals';
import { BurstMemoryRelease, BurstWatch } from './burst-memory-release.js';

describe(BurstWatch.name, () => {
  const source = (events: number, backlog = 0) => ({ events, backlog });

  it('releases once a burst is over: enough events, then quiet for quietMs with nothing waiting', () => {
    const w = new BurstWatch({ burstEvents: 100, quietMs: 5_000 });
    expect(w.tick(source(50), 0)).toBe(false);
    expect(w.tick(source(150, 20), 1_000)).toBe(false);
    expect(w.tick(source(150), 2_000)).toBe(false); // quiet counts from the last tick that saw work (1 s)
    expect(w.tick(source(150), 5_999)).toBe(false); // 4.999 s of quiet
    expect(w.tick(source(150), 7_000)).toBe(true);
    expect(w.tick(source(150), 20_000)).toBe(false); // once per burst
  });

  it('does not release after a trickle smaller than burstEvents, and counts from the last release', () => {
    const w = new BurstWatch({ burstEvents: 100, quietMs: 1_000 });
    expect(w.tick(source(99), 0)).toBe(false);
    expect(w.tick(source(99), 10_000)).toBe(false);
    expect(w.tick(source(200), 11_000)).toBe(false);
    expect(w.tick(source(200), 12_000)).toBe(true);
    expect(w.tick(source(250), 13_000)).toBe(false);
    expect(w.tick(source(250), 30_000)).toBe(false);
  });

  it('waits while handlers run, however long', () => {
    const w = new BurstWatch({ burstEvents: 10, quietMs: 1_000 });
    expect(w.tick(source(500, 1), 0)).toBe(false);
    expect(w.tick(source(500, 1), 60_000)).toBe(false);
    expect(w.tick(source(500, 0), 60_500)).toBe(false);
    expect(w.tick(source(500, 0), 61_000)).toBe(true);
  });
});

describe(BurstMemoryRelease.name, () => {
  afterEach(() => jest.useRealTimers());

  it('runs one full GC when a burst is over, logs the heap and RSS it gave back, and stops with stop()', () => {
    jest.useFakeTimers({ now: 0 });
    const source = { events: 0, backlog: 0 };
    const log = jest.fn();
    const release = new BurstMemoryRelease(source, { burstEvents: 10, quietMs: 2_000 }, { log, error: jest.fn(), warn: jest.fn() });
    release.start();
    source.events = 50;
    jest.advanceTimersByTime(2_000);
    expect(log).not.toHaveBeenCalled(); // quiet for 1 s only
    jest.advanceTimersByTime(2_000);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(/^burst over: full GC, heap used \d+ → \d+ MB, RSS \d+ → \d+ MB/);
    source.events = 100;
    release.stop();
    jest.advanceTimersByTime(10_000);
    expect(log).toHaveBeenCalledTimes(1);
  });
});
