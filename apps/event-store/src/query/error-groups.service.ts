import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@app/events';
import type { ErrorGroupList } from './glance.types.js';

/** What an error says, for grouping: the data's `message`, `error` or `reason` (first 200 characters), '' without one. */
const MESSAGE = `left(coalesce(data->>'message', data->>'error', data->>'reason', ''), 200)`;
const MAX_GROUPS = 200;

interface GroupRow {
  type: string;
  message: string;
  count: string;
  first_seen: Date;
  last_seen: Date;
  latest_id: string;
}

/**
 * Unresolved error events grouped by type and message (read through the partial index of
 * unresolved errors), and resolving a whole group at once, recorded as `audit.error_group_resolved`
 * in the same transaction.
 */
@Injectable()
export class ErrorGroupsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async list(): Promise<ErrorGroupList> {
    const rows = await this.db.query<GroupRow[]>(
      `SELECT type, ${MESSAGE} AS message, count(*) AS count, min(time) AS first_seen, max(time) AS last_seen,
              (array_agg(id ORDER BY time DESC))[1] AS latest_id
         FROM events WHERE level = 'error' AND NOT resolved
         GROUP BY 1, 2 ORDER BY max(time) DESC LIMIT ${MAX_GROUPS + 1}`,
    );
    const groups = rows.slice(0, MAX_GROUPS).map((r) => ({
      type: r.type,
      message: r.message,
      count: Number(r.count),
      firstSeen: r.first_seen.toISOString(),
      lastSeen: r.last_seen.toISOString(),
      latestId: r.latest_id,
    }));
    return { groups, truncated: rows.length > MAX_GROUPS };
  }

  /** Marks every unresolved error of the group (up to `until`) resolved; `{ resolved }` is how many changed. */
  resolve(type: string, message: string, until: string | undefined, by: string): Promise<{ resolved: number }> {
    return this.db.transaction(async (m) => {
      const params: unknown[] = [type, message, by];
      if (until) params.push(until);
      const changed = await m.query<{ id: string }[]>(
        `WITH changed AS (
           UPDATE events SET resolved = true, resolved_at = now(), resolved_by = $3
            WHERE level = 'error' AND NOT resolved AND type = $1 AND ${MESSAGE} = $2 ${until ? 'AND time <= $4::timestamptz' : ''}
            RETURNING id
         ) SELECT id FROM changed`,
        params,
      );
      if (changed.length > 0) {
        await this.audit.record(
          {
            action: 'error_group_resolved',
            actor: by,
            target: { type: 'error-group', id: type },
            details: { eventType: type, message, until: until ?? null, count: changed.length, eventIds: changed.slice(0, 1000).map((r) => r.id), by },
          },
          m,
        );
      }
      return { resolved: changed.length };
    });
  }
}
