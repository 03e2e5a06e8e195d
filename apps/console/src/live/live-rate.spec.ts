import { LiveRate } from './live-rate.js';

describe(LiveRate.name, () => {
  it('lets the budget through each second and counts the rest', () => {
    let now = 10_000;
    const rate = new LiveRate(3, () => now);
    expect([rate.take(), rate.take(), rate.take(), rate.take(), rate.take()]).toEqual([true, true, true, false, false]);
    expect(rate.drain()).toBe(2);
    expect(rate.drain()).toBe(0);
    now += 1_000;
    expect(rate.take()).toBe(true);
  });
});
