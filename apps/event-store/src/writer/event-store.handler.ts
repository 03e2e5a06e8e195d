import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventBatchPattern, JetStreamBatch, withSpan, type CloudEvent } from '@app/events';
import { EventWriter, WRITER_BATCH } from './event-writer.js';
import { SENTENCE, toEventRow, type EventRow } from './event-row.js';
import { MessageRenderer } from '../messages/message-renderer.service.js';

/**
 * The writer: every event of the mesh, from the `event-store` durable (`events.>`) and from
 * `event-store-replay`, into the `events` table, with its sentences rendered. A batch handler: the
 * transport hands it the events of one pull at a time and acks them once it resolves, so it
 * resolves only when the batch's INSERT has committed; a failure naks them all, and a row
 * PostgreSQL refused itself is marked failed (→ dead-lettered with the reason) while the rest commit.
 */
@Controller()
export class EventStoreHandler {
  constructor(
    private readonly writer: EventWriter,
    private readonly messages: MessageRenderer,
  ) {}

  @EventBatchPattern('>', WRITER_BATCH)
  async store(@Payload() events: CloudEvent[], @Ctx() batch: JetStreamBatch): Promise<void> {
    // The EVENTS stream sequence, only for deliveries from that stream: a replay's sequence is
    // the replay stream's, and the row first stored keeps the original one.
    const live = !batch.isReplay();
    const receivedAt = new Date().toISOString();
    const rows: EventRow[] = [];
    /** Batch index of each row (an event whose row could not be made is not in `rows`). */
    const at: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      try {
        const row = toEventRow(event, live ? batch.messages[i].seq : undefined, receivedAt);
        // The sentences as they read now: history keeps what was said then (re-render to change it).
        const rendered = this.messages.render(event);
        row[SENTENCE] = rendered.message;
        row.message_en = rendered.messageEn;
        row.category = rendered.category;
        rows.push(row);
        at.push(i);
      } catch (err) {
        batch.fail(i, err);
      }
    }
    if (rows.length === 0) return;
    // The span lasts until the batch has committed.
    const refused = await withSpan('store.write', { 'mesh.events': rows.length }, () => this.writer.write(rows, batch.gatheredAt));
    for (const [r, reason] of refused) batch.fail(at[r], reason);
  }
}
