import { RateLimiterMemory } from 'rate-limiter-flexible';
import { LaneRateLimit } from './lane-rate-limit.js';

/** The library's in-process store stands for the PostgreSQL one: same counters, same windows. */
describe(LaneRateLimit.name, () => {
  const memory = (perSecond: number) => new RateLimiterMemory({ points: perSecond, duration: 1 });

  it('holds what it reserved from the shared window and spends it locally', async () => {
    const shared = memory(5);
    const lane = new LaneRateLimit('sub', 5, () => shared);
    expect(await lane.reserve(3)).toBe(3);
    lane.take(2);
    expect(lane.available()).toBe(1);
    // Topping up to 10 gets only what the window has left (5 - 3).
    expect(await lane.reserve(10)).toBe(3);
  });

  it('shares one window between two instances of the lane (two replicas)', async () => {
    const shared = memory(5);
    const [a, b] = [new LaneRateLimit('sub', 5, () => shared), new LaneRateLimit('sub', 5, () => shared)];
    expect(await a.reserve(4)).toBe(4);
    expect(await b.reserve(4)).toBe(1);
    expect(await b.reserve(4)).toBe(1);
    expect(b.msUntilNext()).toBeGreaterThan(0);
    expect(b.msUntilNext()).toBeLessThanOrEqual(1000);
  });

  it('lets unspent tokens lapse when their window ends, and starts from a fresh window', async () => {
    const shared = memory(2);
    const lane = new LaneRateLimit('sub', 2, () => shared);
    expect(await lane.reserve(2)).toBe(2);
    await new Promise((r) => setTimeout(r, lane.msUntilNext() + 20));
    expect(lane.available()).toBe(0);
    expect(await lane.reserve(2)).toBe(2);
  });

  it('lowers what it holds at once when the rate is lowered', async () => {
    const lane = new LaneRateLimit('sub', 100, memory);
    expect(await lane.reserve(100)).toBe(100);
    lane.setRate(2);
    expect(lane.available()).toBe(2);
  });
});
