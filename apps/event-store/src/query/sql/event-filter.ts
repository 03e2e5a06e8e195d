import type { EventLevel } from '@app/events';
import { escapeLike, SqlParams } from './sql-params.js';
import { typeCondition } from '../../store/type-pattern.js';

/** What `GET /events` (and replay-like callers) filter on; every field optional, combined with AND. */
export interface EventFilter {
  /** Event type or NATS-style pattern. */
  type?: string;
  source?: string;
  resourceType?: string;
  resourceId?: string;
  levels?: EventLevel[];
  audience?: string;
  actor?: string;
  correlationId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  resolved?: boolean;
  /** Audience names `user` or `all` (the user feed's rule). */
  shownToUsers?: boolean;
  /** Case-insensitive literal text in the data's JSON. */
  text?: string;
}

/** The WHERE conditions of `filter`, every value added to `params`. */
export function filterConditions(filter: EventFilter, params: SqlParams): string[] {
  const where: string[] = [];
  const type = filter.type === undefined ? undefined : typeCondition(filter.type, (v) => params.add(v));
  if (type) where.push(type);
  const equal: [string, string | undefined][] = [
    ['source', filter.source],
    ['resource_type', filter.resourceType],
    ['resource_id', filter.resourceId],
    ['audience', filter.audience],
    ['actor', filter.actor],
    ['correlation_id', filter.correlationId],
  ];
  for (const [column, value] of equal) if (value !== undefined) where.push(`${column} = ${params.add(value)}`);
  // One level as an equality: `= ANY(…)` keeps the (source, level, time, id) index from giving keyset order,
  // and a rare source + level pair then read every row of the source.
  if (filter.levels?.length === 1) where.push(`level = ${params.add(filter.levels[0])}`);
  else if (filter.levels?.length) where.push(`level = ANY(${params.add(filter.levels)}::text[])`);
  if (filter.from) where.push(`time >= ${params.add(filter.from)}`);
  if (filter.to) where.push(`time < ${params.add(filter.to)}`);
  if (filter.resolved !== undefined) where.push(`resolved = ${params.add(filter.resolved)}`);
  if (filter.shownToUsers !== undefined) where.push(`${filter.shownToUsers ? '' : 'NOT '}coalesce(string_to_array(audience, ',') && ARRAY['user', 'all'], false)`);
  if (filter.text !== undefined) where.push(`data::text ILIKE ${params.add(`%${escapeLike(filter.text)}%`)} ESCAPE '\\'`);
  return where;
}
