import { jest } from '@jest/globals';
import type { JsMsg } from '@nats-io/jetstream';
import { LeaseKeeper } from './lease-keeper.js';

const fakeMsg = () => {
  const msg = { renewed: 0, working() { msg.renewed++; } };
  return msg;
};

describe(LeaseKeeper.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('renews only messages held for at least one interval', () => {
    const keeper = new LeaseKeeper(1_000);
    const old = fakeMsg();
    keeper.hold(old as unknown as JsMsg);
    jest.advanceTimersByTime(500);
    const young = fakeMsg();
    keeper.hold(young as unknown as JsMsg);
    jest.advanceTimersByTime(500);
    expect(old.renewed).toBe(1);
    expect(young.renewed).toBe(0);
    jest.advanceTimersByTime(1_000);
    expect(old.renewed).toBe(2);
    expect(young.renewed).toBe(1);
    keeper.stop();
  });

  it('stops renewing a released message and stops its timer when nothing is held', () => {
    const keeper = new LeaseKeeper(1_000);
    const msg = fakeMsg();
    keeper.hold(msg as unknown as JsMsg);
    keeper.release(msg as unknown as JsMsg);
    jest.advanceTimersByTime(5_000);
    expect(msg.renewed).toBe(0);
    expect(keeper.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
