import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SeenTypeRow {
  type: string;
  count: string;
  first_seen: Date;
  last_seen: Date;
  example_id: string;
  example: unknown;
  dataschema: string | null;
}

/** Every event type in the store, with its latest event's data as the example. */
@Injectable()
export class EventCatalogueRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  seenTypes(): Promise<SeenTypeRow[]> {
    // `event_types` (kept by the writer's transaction) holds one row per type: one primary-key
    // probe in `event_ids` and one index probe in the example's partition each for the example's data, whatever the history's size.
    return this.db.query<SeenTypeRow[]>(
      `SELECT t.type, t.count, t.first_seen, t.last_seen, t.example_id, e.data AS example, e.dataschema
       FROM event_types t LEFT JOIN event_ids i ON i.id = t.example_id LEFT JOIN events e ON e.time = i.time AND e.id = i.id
       ORDER BY t.type`,
    );
  }
}
