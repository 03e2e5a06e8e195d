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
    // One index probe per type (events_type_time) for its latest event.
    return this.db.query<SeenTypeRow[]>(
      `SELECT t.type, t.count, t.first_seen, t.last_seen, latest.id AS example_id, latest.data AS example, latest.dataschema
       FROM (SELECT type, count(*) AS count, min(time) AS first_seen, max(time) AS last_seen FROM events GROUP BY type) t
       CROSS JOIN LATERAL (SELECT id, data, dataschema FROM events e WHERE e.type = t.type ORDER BY e.time DESC, e.id DESC LIMIT 1) latest
       ORDER BY t.type`,
    );
  }
}
