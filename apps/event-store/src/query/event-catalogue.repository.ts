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

  /**
   * `event_types` (kept by the writer's transaction) holds one row per type, and its example is the
   * type's latest event, stored at `last_seen`. So the examples are read by `(time, id)` with the
   * times as a parameter: PostgreSQL prunes to the partitions holding them when planning, one index
   * probe each, whatever the history's size.
   */
  async seenTypes(): Promise<SeenTypeRow[]> {
    const types: (Omit<SeenTypeRow, 'example' | 'dataschema'> & { example_time: string })[] = await this.db.query(
      `SELECT type, count, first_seen, last_seen, example_id, last_seen::text AS example_time FROM event_types ORDER BY type`,
    );
    if (types.length === 0) return [];
    const examples: { id: string; data: unknown; dataschema: string | null }[] = await this.db.query(
      `SELECT id, data, dataschema FROM events WHERE time = ANY($1::timestamptz[]) AND id = ANY($2::text[])`,
      [types.map((t) => t.example_time), types.map((t) => t.example_id)],
    );
    const byId = new Map(examples.map((e) => [e.id, e]));
    return types.map(({ example_time: _time, ...t }) => ({ ...t, example: byId.get(t.example_id)?.data ?? null, dataschema: byId.get(t.example_id)?.dataschema ?? null }));
  }
}
