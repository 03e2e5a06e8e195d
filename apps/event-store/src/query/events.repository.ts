import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { EventCursor } from './events-cursor.js';
import { EVENT_COLUMNS, EventRow } from '../store/stored-event-row.js';
import { EventFilter, filterConditions } from './sql/event-filter.js';
import { SqlParams, whereClause } from './sql/sql-params.js';
import { typeMatch } from '../store/type-pattern.js';

/** A pattern matching more types than this is filtered with its regex over the time index instead. */
const MAX_TYPE_RANGES = 64;

/**
 * The live history, what retention archived, or the admin actions kept past the archive
 * (`audit_events`); same columns, same time index.
 */
export type EventTable = 'events' | 'events_archive' | 'audit_events';

/** Oldest last: retention moves an event from each table to the next, so their times do not overlap. */
export const AUDIT_TABLES: readonly EventTable[] = ['events', 'events_archive', 'audit_events'];

export interface TimelineRow extends EventRow {
  /** Included only through a correlation id shared with the resource's own events. */
  related: boolean;
}

/** Reads and resolution flags of the `events` table, in parameterised SQL. */
@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Newest first (`time DESC, id DESC`), after `cursor` when given; `limit` rows at most. A wildcard
   * `type` is first matched against the type catalogue (a few dozen rows): the page is then read as
   * at most `limit` rows from each matching type's keyset index range, of which the newest `limit`
   * are kept, instead of a regex filter over the time index that reads every newer event of other
   * types (PostgreSQL 15 plans no ordered merge for `type = ANY(…)` nor for a UNION ALL of them).
   */
  async list(filter: EventFilter, limit: number, cursor?: EventCursor, table: EventTable = 'events'): Promise<EventRow[]> {
    const match = filter.type === undefined ? undefined : typeMatch(filter.type);
    // The type catalogue lists the live events' types only: the archive filters by the regex.
    if (match?.kind === 'regex' && table === 'events') {
      const types = await this.db.query<{ type: string }[]>(`SELECT type FROM event_types WHERE type ~ $1 ORDER BY type`, [match.regex]);
      if (types.length === 0) return [];
      if (types.length <= MAX_TYPE_RANGES) return this.page({ ...filter, type: undefined }, types.map((t) => t.type), limit, cursor);
    }
    return this.page(filter, undefined, limit, cursor, table);
  }

  private page(filter: EventFilter, types: string[] | undefined, limit: number, cursor?: EventCursor, table: EventTable = 'events'): Promise<EventRow[]> {
    const params = new SqlParams();
    const where = filterConditions(filter, params);
    if (cursor) where.push(`(time, id) < (${params.add(cursor.time)}::timestamptz, ${params.add(cursor.id)}::text)`);
    const max = params.add(limit);
    if (!types) return this.db.query<EventRow[]>(`SELECT ${EVENT_COLUMNS} FROM ${table} ${whereClause(where)} ORDER BY time DESC, id DESC LIMIT ${max}`, params.values);
    // Per type, its newest `limit` rows from its index range; then the newest `limit` of those.
    const perType = `SELECT ${EVENT_COLUMNS} FROM events ${whereClause(['events.type = t.type', ...where])} ORDER BY time DESC, id DESC LIMIT ${max}`;
    const sql = `SELECT page.* FROM unnest(${params.add(types)}::text[]) AS t(type) CROSS JOIN LATERAL (${perType}) page
      ORDER BY page.time DESC, page.id DESC LIMIT ${max}`;
    return this.db.query<EventRow[]>(sql, params.values);
  }

  /**
   * `event_ids` gives the event's time, then the row is read from its one partition through the
   * `(time, id)` index (no unique index holds `id` alone on a partitioned table). Two statements:
   * with the time as a parameter PostgreSQL prunes to that partition when planning; a join would
   * be planned over every partition and pruned only when run.
   */
  async findById(id: string): Promise<EventRow | undefined> {
    const time = await this.timeOf(id);
    if (time === undefined) return undefined;
    const rows = await this.db.query<EventRow[]>(`SELECT ${EVENT_COLUMNS} FROM events WHERE time = $1 AND id = $2`, [time, id]);
    return rows[0];
  }

  /** The stored time of event `id` (PostgreSQL's text, microseconds kept), from `event_ids`. */
  private async timeOf(id: string, manager: EntityManager = this.db.manager): Promise<string | undefined> {
    const rows: { time: string }[] = await manager.query(`SELECT time::text AS time FROM event_ids WHERE id = $1`, [id]);
    return rows[0]?.time;
  }

  /**
   * Oldest first; with `includeRelated`, also the events sharing a correlation id with the
   * resource's. Two index reads put together (the resource's range, then each of its correlation
   * ids' ranges), not one OR that no index serves.
   */
  timeline(resourceType: string, resourceId: string, includeRelated: boolean, limit: number): Promise<TimelineRow[]> {
    const own = 'resource_type = $1 AND resource_id = $2';
    const ownRows = `SELECT ${EVENT_COLUMNS}, false AS related FROM events WHERE ${own}`;
    const relatedRows = `SELECT ${EVENT_COLUMNS}, true AS related FROM events
      WHERE correlation_id IN (SELECT correlation_id FROM events WHERE ${own} AND correlation_id IS NOT NULL)
        AND NOT (resource_type IS NOT DISTINCT FROM $1 AND resource_id IS NOT DISTINCT FROM $2)`;
    const sql = includeRelated
      ? `SELECT * FROM (${ownRows} UNION ALL ${relatedRows}) timeline ORDER BY time ASC, id ASC LIMIT $3`
      : `${ownRows} ORDER BY time ASC, id ASC LIMIT $3`;
    return this.db.query<TimelineRow[]>(sql, [resourceType, resourceId, limit]);
  }

  /**
   * Marks an unresolved error event resolved (or a resolved one unresolved) in one statement.
   * Returns the row when it changed, undefined when it is missing, not an error, or already so.
   */
  /** Inside `manager`'s transaction when given, so the audit event commits with the change. */
  async setResolved(id: string, resolved: boolean, by: string, manager: EntityManager = this.db.manager): Promise<EventRow | undefined> {
    const time = await this.timeOf(id, manager);
    if (time === undefined) return undefined;
    const set = resolved ? 'resolved = true, resolved_at = now(), resolved_by = $3' : 'resolved = false, resolved_at = NULL, resolved_by = NULL';
    const params: unknown[] = resolved ? [id, time, by] : [id, time];
    // The CTE makes the statement a SELECT, so TypeORM returns plain rows.
    const sql = `WITH changed AS (
        UPDATE events SET ${set} WHERE id = $1 AND time = $2::timestamptz AND level = 'error' AND resolved = ${resolved ? 'false' : 'true'} RETURNING *
      ) SELECT ${EVENT_COLUMNS} FROM changed`;
    const rows: EventRow[] = await manager.query(sql, params);
    return rows[0];
  }
}
