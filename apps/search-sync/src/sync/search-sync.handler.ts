import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type CloudEvent, EventBatchPattern, JetStreamBatch, withSpan } from '@app/events';
import { RecordBuilder } from '../mapping/record-builder.js';
import type { IndexOperation } from '../mapping/index-mapping.js';
import { IndexWriter } from './index-writer.js';

/**
 * Most events per handler call: Algolia takes 1,000 operations per call (`SEARCH_BATCH_SIZE`, at most
 * 1,000, splits a call's operations further). Two calls run at once; meanwhile the transport gathers
 * the next one (group commit).
 */
export const SYNC_MAX_EVENTS = 1_000;
export const SYNC_MAX_IN_FLIGHT = 2;

/**
 * Consumer `search-sync` (and `search-sync-replay`): the events the transport gathered, in one call.
 * Every event the mapping names becomes index operations, written through the order guard; the
 * call resolves once the index accepted them, so the transport acks only then. An event the
 * mapping cannot turn into a record, or whose record the index refuses for good, is failed alone
 * with the reason (dead-lettered); a batch the index did not accept fails its events (retried).
 * The pattern is `>` because the mapping, not code, says which types count (the durable reads
 * `events.>` anyway); an unmapped type gives no operation and is acked.
 */
@Controller()
export class SearchSyncHandler {
  constructor(
    private readonly records: RecordBuilder,
    private readonly writer: IndexWriter,
  ) {}

  @EventBatchPattern('>', { maxEvents: SYNC_MAX_EVENTS, maxInFlight: SYNC_MAX_IN_FLIGHT })
  async sync(@Payload() events: CloudEvent[], @Ctx() batch: JetStreamBatch): Promise<void> {
    const ops: IndexOperation[] = [];
    /** Per operation, the position of its event in the batch. */
    const owners: number[] = [];
    for (let i = 0; i < events.length; i++) {
      let mapped: IndexOperation[];
      try {
        mapped = this.records.operations(events[i]);
      } catch (err) {
        batch.fail(i, err); // unmappable: a NonRetryableError naming the path, dead-lettered alone
        continue;
      }
      for (const op of mapped) {
        ops.push(op);
        owners.push(i);
      }
    }
    if (ops.length === 0) return;
    await withSpan('search.sync', { 'mesh.events': events.length, 'mesh.operations': ops.length }, () =>
      this.writer.write(ops, batch.gatheredAt, (j, err) => batch.fail(owners[j], err)),
    );
  }
}
