import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TraceRow } from './causation-tree.js';

/** Levels followed below the root: a causation chain longer than this is a loop, not a story. */
export const TRACE_MAX_DEPTH = 32;
/** Events returned at most; a bigger fan-out is cut and marked `truncated`. */
export const TRACE_MAX_NODES = 2_000;

/** The tree's columns of `events` aliased `t`. */
const columns = (t: string) =>
  `${t}.id, ${t}.type, ${t}.source, ${t}.level, ${t}.actor, ${t}.correlation_id, ${t}.causation_id, to_char(${t}.time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time_utc`;

/** The causation links of the stored history (`events.causation_id`, indexed). */
@Injectable()
export class TraceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The event `id` itself, read through `event_ids` so that one partition is scanned. */
  async root(id: string): Promise<TraceRow | undefined> {
    const rows = await this.db.query<TraceRow[]>(
      `SELECT ${columns('e')} FROM events e WHERE e.time = (SELECT time FROM event_ids WHERE id = $1) AND e.id = $1`,
      [id],
    );
    return rows[0];
  }

  /**
   * Every event caused by `id`, directly or through others, nearest first (at most
   * TRACE_MAX_NODES, TRACE_MAX_DEPTH levels down).
   */
  async descendants(id: string): Promise<{ rows: TraceRow[]; truncated: boolean }> {
    // Each level is one causation index probe per partition; a cycle of links ends at the depth limit.
    const rows = await this.db.query<Array<TraceRow & { depth: number }>>(
      `WITH RECURSIVE tree AS (
         SELECT ${columns('e')}, 1 AS depth FROM events e WHERE e.causation_id = $1
         UNION ALL
         SELECT ${columns('e')}, t.depth + 1 FROM tree t JOIN events e ON e.causation_id = t.id WHERE t.depth < $2
       )
       SELECT * FROM tree ORDER BY depth, time_utc, id LIMIT $3`,
      [id, TRACE_MAX_DEPTH, TRACE_MAX_NODES + 1],
    );
    const truncated = rows.length > TRACE_MAX_NODES || rows.some((r) => r.depth >= TRACE_MAX_DEPTH);
    return { rows: rows.slice(0, TRACE_MAX_NODES), truncated };
  }
}
