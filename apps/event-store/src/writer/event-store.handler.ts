import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { JetStreamContext, type CloudEvent, withSpan } from '@app/events';
import { EventBatcher } from './event-batcher.js';
import { SENTENCE, toEventRow } from './event-row.js';
import { MessageRenderer } from '../messages/message-renderer.service.js';

/**
 * The writer: every event of the mesh, from the `event-store` durable (`events.>`) and from
 * `event-store-replay`, into the `events` table, with its sentences rendered. Resolving acks the message, so the promise
 * settles only when the event's batch has committed; a failure naks it (or dead-letters it when
 * PostgreSQL refused the row itself).
 */
@Controller()
export class EventStoreHandler {
  constructor(
    private readonly batcher: EventBatcher,
    private readonly messages: MessageRenderer,
  ) {}

  @EventPattern<string>('>')
  store(@Payload() event: CloudEvent, @Ctx() ctx: JetStreamContext): Promise<void> {
    // The EVENTS stream sequence, only for deliveries from that stream: a replay's sequence is
    // the replay stream's, and the row first stored keeps the original one.
    const streamSeq = ctx.isReplay() ? undefined : ctx.getStreamSequence();
    const row = toEventRow(event, streamSeq, new Date());
    // The sentences as they read now: history keeps what was said then (re-render to change it).
    const rendered = this.messages.render(event);
    row[SENTENCE] = rendered.message;
    row.message_en = rendered.messageEn;
    row.category = rendered.category;
    const item = { row, bytes: ctx.getMessage().data.length };
    // The span lasts until the event's batch has committed.
    return withSpan('store.write', { 'mesh.event_id': event.id }, () => this.batcher.add(item));
  }
}
