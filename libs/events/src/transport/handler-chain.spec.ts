import type { MessageHandler } from '@nestjs/microservices';
import { defer, of, throwError, timer, map } from 'rxjs';
import type { CloudEvent } from '../envelope/cloud-event.js';
import type { JetStreamContext } from './jetstream.context.js';
import { runHandlers } from './handler-chain.js';

const event = { type: 'order.created' } as CloudEvent;
const ctx = {} as JetStreamContext;

/** A Nest-wrapped handler stand-in: what `h(event, ctx)` returns (a promise of a value or an Observable). */
const handler = (fn: () => unknown, next?: MessageHandler): MessageHandler => {
  const h = (async () => fn()) as unknown as MessageHandler;
  h.next = next;
  return h;
};

describe(runHandlers.name, () => {
  it('settles once every handler and every chained handler has run, in order', async () => {
    const log: string[] = [];
    const chained = handler(() => log.push('a2'));
    await runHandlers([handler(() => log.push('a1'), chained), handler(() => log.push('b'))], event, ctx);
    expect(log).toEqual(['a1', 'a2', 'b']);
  });

  it("waits for an Observable result (an interceptor's) to complete before the next handler", async () => {
    const log: string[] = [];
    const slow = handler(() => timer(20).pipe(map(() => log.push('observable done'))));
    await runHandlers([slow, handler(() => log.push('next'))], event, ctx);
    expect(log).toEqual(['observable done', 'next']);
  });

  it('takes an Observable that completes empty as success', async () => {
    await expect(runHandlers([handler(() => defer(() => of()))], event, ctx)).resolves.toBeUndefined();
  });

  it("rejects with the error of an erroring Observable (the exception filter's re-throw)", async () => {
    const err = new Error('filter re-threw');
    await expect(runHandlers([handler(() => throwError(() => err))], event, ctx)).rejects.toBe(err);
  });

  it('rejects with a thrown error and runs no later handler', async () => {
    const err = new Error('boom');
    let laterRan = false;
    const later = () => (laterRan = true);
    await expect(
      runHandlers(
        [
          handler(() => {
            throw err;
          }),
          handler(later),
        ],
        event,
        ctx,
      ),
    ).rejects.toBe(err);
    expect(laterRan).toBe(false);
  });
});
