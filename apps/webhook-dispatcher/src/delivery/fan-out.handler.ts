import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { JetStreamContext, type CloudEvent } from '@app/events';
import { FanOutWriter } from './fan-out.writer.js';

/**
 * Every event of the mesh, from the `webhook-dispatcher` durable (`events.>`) and from
 * `webhook-dispatcher-replay`: resolving acks it, so the promise settles only once its delivery
 * rows are committed. Sending happens later, per delivery, in the workers.
 */
@Controller()
export class FanOutHandler {
  constructor(private readonly fanOut: FanOutWriter) {}

  @EventPattern<string>('>')
  fan(@Payload() event: CloudEvent, @Ctx() ctx: JetStreamContext): Promise<void> {
    return this.fanOut.add({ event, body: Buffer.from(ctx.getMessage().data).toString('utf8') });
  }
}
