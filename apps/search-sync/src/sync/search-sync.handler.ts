import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, withSpan } from '@app/events';
import { RecordBuilder } from '../mapping/record-builder.js';
import { SyncBatcher } from './sync-batcher.js';

/**
 * Consumer `search-sync` (and `search-sync-replay`): every event the mapping names becomes index
 * operations, handed to the batcher; resolving acks, so the promise settles only when the index
 * accepted the batch. The pattern is `>` because the mapping, not code, says which types count
 * (the durable reads `events.>` anyway); an unmapped type resolves at once (ack).
 */
@Controller()
export class SearchSyncHandler {
  constructor(
    private readonly records: RecordBuilder,
    private readonly batcher: SyncBatcher,
  ) {}

  @EventPattern<string>('>')
  async sync(@Payload() event: CloudEvent): Promise<void> {
    const ops = this.records.operations(event);
    if (ops.length === 0) return;
    await withSpan('search.sync', { 'mesh.event_id': event.id, 'mesh.operations': ops.length }, () =>
      ops.length === 1 ? this.batcher.add(ops[0]) : Promise.all(ops.map((op) => this.batcher.add(op))).then(() => undefined),
    );
  }
}
