import { EVENT_COLUMNS } from '../store/stored-event-row.js';
import { typeCondition } from '../store/type-pattern.js';

/** Which stored events a replay re-delivers; every field optional, combined with AND. */
export interface ReplayFilter {
  /** One event by id (the console's "replay this event"). */
  id?: string;
  /** Event type or NATS-style pattern. */
  type?: string;
  resourceType?: string;
  resourceId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** Where the previous batch ended: its last row's time (PostgreSQL's microseconds, as text) and id. */
export interface ReplayCursor {
  time: string;
  id: string;
}

/**
 * One keyset batch in time order: rows matching `filter`, stored before `storedBefore` (so a replay
 * never chases the events arriving while it runs), after `cursor`. User input only reaches
 * PostgreSQL as `$n` parameters.
 */
export function replayBatchQuery(filter: ReplayFilter, storedBefore: Date, cursor: ReplayCursor | undefined, size: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = [`received_at <= ${param(storedBefore)}`];
  const type = filter.type === undefined ? undefined : typeCondition(filter.type, param);
  if (type) where.push(type);
  if (filter.id !== undefined) {
    // Its time from `event_ids` keeps the read to one partition.
    const id = param(filter.id);
    where.push(`id = ${id}::text`, `time = (SELECT time FROM event_ids WHERE id = ${id}::text)`);
  }
  if (filter.resourceType !== undefined) where.push(`resource_type = ${param(filter.resourceType)}`);
  if (filter.resourceId !== undefined) where.push(`resource_id = ${param(filter.resourceId)}`);
  if (filter.from) where.push(`time >= ${param(filter.from)}`);
  if (filter.to) where.push(`time < ${param(filter.to)}`);
  if (cursor) where.push(`(time, id) > (${param(cursor.time)}::timestamptz, ${param(cursor.id)}::text)`);
  const sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY time, id LIMIT ${param(size)}`;
  return { sql, params };
}
