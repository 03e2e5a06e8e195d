import { jest } from '@jest/globals';
import type { JsMsg } from '@nats-io/jetstream';
import { LeaseKeeper } from './lease-keeper.js';

const fakeMsg = () => {
  const msg = { renewed: 0, working() { msg.renewed++; } };
  return msg;
};
const asMsg = (m: ReturnType<typeof fakeMsg>) => m as unknown as JsMsg;

describe(LeaseKeeper.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('renews a message once it has been held a full interval, then every interval', () => {
    const keeper = new LeaseKeeper(1_000);
    const old = fakeMsg();
    keeper.hold(asMsg(old));
    jest.advanceTimersByTime(500);
    const young = fakeMsg();
    keeper.hold(asMsg(young));
    jest.advanceTimersByTime(500);
    expect(old.renewed).toBe(1);
    expect(young.renewed).toBe(0);
    jest.advanceTimersByTime(499);
    expect(young.renewed).toBe(0);
    jest.advanceTimersByTime(1);
    expect(young.renewed).toBe(1);
    expect(old.renewed).toBe(1);
    jest.advanceTimersByTime(500);
    expect(old.renewed).toBe(2);
    expect(young.renewed).toBe(1);
    keeper.stop();
  });

  it('renews no message before it has been held a full interval', () => {
    const keeper = new LeaseKeeper(1_000);
    const msg = fakeMsg();
    jest.advanceTimersByTime(100);
    keeper.hold(asMsg(msg));
    // The wheel starts with the first hold, so it ticks at 350, 600, 850, 1100, …
    jest.advanceTimersByTime(999);
    expect(msg.renewed).toBe(0);
    jest.advanceTimersByTime(1);
    expect(msg.renewed).toBe(1);
    keeper.stop();
  });

  it('stops renewing a released message and reuses its slot', () => {
    const keeper = new LeaseKeeper(1_000);
    const first = fakeMsg();
    const slot = keeper.hold(asMsg(first));
    keeper.release(slot);
    expect(keeper.size).toBe(0);
    const second = fakeMsg();
    expect(keeper.hold(asMsg(second))).toBe(slot);
    jest.advanceTimersByTime(5_000);
    expect(first.renewed).toBe(0);
    expect(second.renewed).toBe(5);
    keeper.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps one timer for any number of messages, until stopped', () => {
    const keeper = new LeaseKeeper(1_000);
    const slots = Array.from({ length: 100 }, () => keeper.hold(asMsg(fakeMsg())));
    expect(jest.getTimerCount()).toBe(1);
    for (const s of slots) keeper.release(s);
    expect(jest.getTimerCount()).toBe(1);
    keeper.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});
