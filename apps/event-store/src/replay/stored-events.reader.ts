import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CloudEvent } from '@app/events';
import { ReplayCursor, replayBatchQuery, ReplayFilter } from './replay-filter.js';
import { envelopeOf } from '../store/stored-envelope.js';
import type { EventRow } from '../store/stored-event-row.js';

export const REPLAY_BATCH = 1000;

/** Reads stored events for a replay: oldest first, in keyset batches, never the whole match at once. */
@Injectable()
export class StoredEventsReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Envelopes matching `filter` in (time, id) order, `batchSize` at a time, `limit` in all; only rows
   * stored before the call, so events arriving meanwhile are not chased.
   * @example for await (const batch of reader.batches({ type: 'vendor.*' }, 100_000)) await send(batch);
   */
  async *batches(filter: ReplayFilter, limit: number, batchSize = REPLAY_BATCH): AsyncGenerator<CloudEvent[]> {
    const storedBefore = new Date();
    let cursor: ReplayCursor | undefined;
    for (let left = limit; left > 0; ) {
      const size = Math.min(batchSize, left);
      const { sql, params } = replayBatchQuery(filter, storedBefore, cursor, size);
      const rows = (await this.db.query(sql, params)) as EventRow[];
      if (rows.length > 0) yield rows.map(envelopeOf);
      if (rows.length < size) return;
      const last = rows[rows.length - 1];
      cursor = { time: last.time_utc, id: last.id };
      left -= rows.length;
    }
  }
}
