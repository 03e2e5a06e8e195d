import { BurstWatch } from './burst-memory-release.js';

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

  it('waits while operations wait for the index, however long', () => {
    const w = new BurstWatch({ burstEvents: 10, quietMs: 1_000 });
    expect(w.tick(source(500, 1), 0)).toBe(false);
    expect(w.tick(source(500, 1), 60_000)).toBe(false);
    expect(w.tick(source(500, 0), 60_500)).toBe(false);
    expect(w.tick(source(500, 0), 61_000)).toBe(true);
  });
});
