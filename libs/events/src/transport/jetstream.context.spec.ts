import type { JsMsg } from '@nats-io/jetstream';
import { createEnvelope } from '../envelope/cloud-event.js';
import { decideFailure } from './failure-policy.js';
import { DeliveryLane, JetStreamContext } from './jetstream.context.js';

const BACKOFF = [1_000, 5_000, 30_000];
const live: DeliveryLane = { durable: 'event-store', replay: false, maxDeliver: 4, backoffMs: BACKOFF };
const replay: DeliveryLane = { ...live, durable: 'event-store-replay', replay: true };
const event = createEnvelope('vendor.created', { id: 'v1' }, 'vendor-service');

/** The fields of a delivered message the context reads. */
const delivery = (deliveryCount: number, replayHeader?: string) =>
  ({ seq: 7, subject: 'events.vendor.created', info: { deliveryCount }, headers: replayHeader ? new Map([['Mesh-Replay', replayHeader]]) : undefined }) as unknown as JsMsg;

describe(JetStreamContext.name, () => {
  it('tells the live lane from the replay lane', () => {
    expect(new JetStreamContext([delivery(1), event, live]).isReplay()).toBe(false);
    const replayed = new JetStreamContext([delivery(1, 'redrive'), event, replay]);
    expect(replayed.isReplay()).toBe(true);
    expect(replayed.getConsumer()).toBe('event-store-replay');
    expect(replayed.getReplayKind()).toBe('redrive');
  });

  it.each([
    [1, false],
    [3, false],
    [4, true],
    [5, true],
  ])('delivery %i of 4 is the last: %s', (count, last) => {
    const ctx = new JetStreamContext([delivery(count), event, live]);
    expect(ctx.deliveries()).toBe(count);
    expect(ctx.isLastDelivery()).toBe(last);
    // The transport dead-letters exactly when the context says the delivery is the last.
    expect(decideFailure(new Error('down'), count, live.maxDeliver, BACKOFF).action).toBe(last ? 'dead-letter' : 'retry');
  });

  it.each([
    [1, 1_000],
    [2, 5_000],
    [3, 30_000],
    [9, 30_000],
  ])('nextDelay on delivery %i is the %i ms the transport naks a plain failure with', (count, delayMs) => {
    const ctx = new JetStreamContext([delivery(count), event, { ...live, maxDeliver: 10 }]);
    expect(ctx.nextDelay()).toBe(delayMs);
    expect(decideFailure(new Error('down'), count, 10, BACKOFF)).toEqual({ action: 'retry', delayMs });
  });
});
