import type { JsMsg } from '@nats-io/jetstream';
import { AckBatcher } from './ack-batcher.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A message whose ack records its call order, or throws as a closed connection makes it. */
function fakeMsg(seq: number, log: number[], failWith?: Error): JsMsg {
  return {
    seq,
    ack: () => {
      if (failWith) throw failWith;
      log.push(seq);
    },
  } as unknown as JsMsg;
}

describe(AckBatcher.name, () => {
  it('sends nothing in the turn the acks are queued, then all of them together, in order', async () => {
    const log: number[] = [];
    const batcher = new AckBatcher(() => undefined);
    for (let i = 1; i <= 3; i++) batcher.ack(fakeMsg(i, log));
    await Promise.resolve();
    expect(log).toEqual([]);
    expect(batcher.pending).toBe(3);
    await nextTurn();
    expect(log).toEqual([1, 2, 3]);
    expect(batcher.pending).toBe(0);
  });

  it('acks queued in a later turn go in a later batch', async () => {
    const log: number[] = [];
    const batcher = new AckBatcher(() => undefined);
    batcher.ack(fakeMsg(1, log));
    await nextTurn();
    batcher.ack(fakeMsg(2, log));
    expect(log).toEqual([1]);
    await nextTurn();
    expect(log).toEqual([1, 2]);
  });

  it('flush() sends the queue at once and cancels the scheduled send', async () => {
    const log: number[] = [];
    const batcher = new AckBatcher(() => undefined);
    batcher.ack(fakeMsg(1, log));
    batcher.flush();
    expect(log).toEqual([1]);
    await nextTurn();
    expect(log).toEqual([1]);
  });

  it('reports an ack the client refuses and still sends the others', async () => {
    const log: number[] = [];
    const refused: number[] = [];
    const closed = new Error('connection closed');
    const batcher = new AckBatcher((msg, err) => {
      expect(err).toBe(closed);
      refused.push(msg.seq);
    });
    batcher.ack(fakeMsg(1, log));
    batcher.ack(fakeMsg(2, log, closed));
    batcher.ack(fakeMsg(3, log));
    await nextTurn();
    expect(log).toEqual([1, 3]);
    expect(refused).toEqual([2]);
  });
});
