import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { CloudEvent } from '../envelope/cloud-event.js';
import type { JetStreamContext } from './jetstream.context.js';

/**
 * Runs every handler bound to an event's type (chained handlers of one pattern in order) and
 * settles when the last has finished, rejecting with the first error.
 *
 * Each `h` is Nest's wrapped handler, so guards, pipes, interceptors and exception filters apply
 * as always. Only its result is treated more cheaply than `Server.transformToObservable` does: a
 * plain value (what an `async` handler resolves to) is done once awaited, and only an Observable
 * (an interceptor's, or a filter's re-thrown error) goes through rxjs.
 */
export async function runHandlers(handlers: readonly MessageHandler[], event: CloudEvent, context: JetStreamContext): Promise<void> {
  for (const handler of handlers) {
    for (let h: MessageHandler | undefined = handler; h; h = h.next) {
      const result: unknown = await h(event, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    }
  }
}
