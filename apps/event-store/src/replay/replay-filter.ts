import { normalizePattern } from '@app/events';

/** Which stored events a replay re-delivers; every field optional, combined with AND. */
export interface ReplayFilter {
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

/** The columns a replay reads; `cursor_time` keeps the microseconds a JS Date would drop. */
const COLUMNS = `id, type, source, subject, resource_type, resource_id, level, audience, actor, correlation_id, causation_id,
  dataschema, data, extensions, to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_time`;

const escapeRegex = (token: string): string => token.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** A NATS-style pattern as a condition on `type`: exact (index-friendly), an anchored regex, or none for `>`. */
export function typeCondition(pattern: string, param: (value: unknown) => string): string | undefined {
  const normalized = normalizePattern(pattern);
  if (normalized === '>') return undefined;
  const tokens = normalized.split('.');
  if (!tokens.some((t) => t === '*' || t === '>')) return `type = ${param(normalized)}`;
  const regex = tokens.map((t) => (t === '*' ? '[^.]+' : t === '>' ? '.+' : escapeRegex(t))).join('\\.');
  return `type ~ ${param(`^${regex}$`)}`;
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
  if (filter.resourceType !== undefined) where.push(`resource_type = ${param(filter.resourceType)}`);
  if (filter.resourceId !== undefined) where.push(`resource_id = ${param(filter.resourceId)}`);
  if (filter.from) where.push(`time >= ${param(filter.from)}`);
  if (filter.to) where.push(`time < ${param(filter.to)}`);
  if (cursor) where.push(`(time, id) > (${param(cursor.time)}::timestamptz, ${param(cursor.id)}::uuid)`);
  const sql = `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY time, id LIMIT ${param(size)}`;
  return { sql, params };
}
