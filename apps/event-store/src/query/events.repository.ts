import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { EventCursor } from './events-cursor.js';
import { EVENT_COLUMNS, EventRow } from '../store/stored-event-row.js';
import { EventFilter, filterConditions } from './sql/event-filter.js';
import { SqlParams, whereClause } from './sql/sql-params.js';

export interface TimelineRow extends EventRow {
  /** Included only through a correlation id shared with the resource's own events. */
  related: boolean;
}

/** Reads and resolution flags of the `events` table, in parameterised SQL. */
@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first (`time DESC, id DESC`), after `cursor` when given; `limit` rows at most. */
  list(filter: EventFilter, limit: number, cursor?: EventCursor): Promise<EventRow[]> {
    const params = new SqlParams();
    const where = filterConditions(filter, params);
    if (cursor) where.push(`(time, id) < (${params.add(cursor.time)}::timestamptz, ${params.add(cursor.id)}::text)`);
    const sql = `SELECT ${EVENT_COLUMNS} FROM events ${whereClause(where)} ORDER BY time DESC, id DESC LIMIT ${params.add(limit)}`;
    return this.db.query<EventRow[]>(sql, params.values);
  }

  async findById(id: string): Promise<EventRow | undefined> {
    const rows = await this.db.query<EventRow[]>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Oldest first; with `includeRelated`, also the events sharing a correlation id with the resource's. */
  timeline(resourceType: string, resourceId: string, includeRelated: boolean, limit: number): Promise<TimelineRow[]> {
    const own = 'resource_type = $1 AND resource_id = $2';
    const related = `correlation_id IN (SELECT correlation_id FROM events WHERE ${own} AND correlation_id IS NOT NULL)`;
    const sql = `SELECT ${EVENT_COLUMNS}, NOT (resource_type IS NOT DISTINCT FROM $1 AND resource_id IS NOT DISTINCT FROM $2) AS related
      FROM events WHERE ${includeRelated ? `(${own}) OR ${related}` : own} ORDER BY time ASC, id ASC LIMIT $3`;
    return this.db.query<TimelineRow[]>(sql, [resourceType, resourceId, limit]);
  }

  /**
   * Marks an unresolved error event resolved (or a resolved one unresolved) in one statement.
   * Returns the row when it changed, undefined when it is missing, not an error, or already so.
   */
  /** Inside `manager`'s transaction when given, so the audit event commits with the change. */
  async setResolved(id: string, resolved: boolean, by: string, manager: EntityManager = this.db.manager): Promise<EventRow | undefined> {
    const set = resolved ? 'resolved = true, resolved_at = now(), resolved_by = $2' : 'resolved = false, resolved_at = NULL, resolved_by = NULL';
    const params: unknown[] = resolved ? [id, by] : [id];
    // The CTE makes the statement a SELECT, so TypeORM returns plain rows.
    const sql = `WITH changed AS (
        UPDATE events SET ${set} WHERE id = $1 AND level = 'error' AND resolved = ${resolved ? 'false' : 'true'} RETURNING *
      ) SELECT ${EVENT_COLUMNS} FROM changed`;
    const rows: EventRow[] = await manager.query(sql, params);
    return rows[0];
  }
}
