import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EventCursor } from '../query/events-cursor.js';
import { EVENT_COLUMNS, type EventRow } from '../store/stored-event-row.js';

/** Audiences an end user may see. */
const VISIBLE = `string_to_array(audience, ',') && ARRAY['user', 'all']`;

/** The events of one user that were written for users, newest first. */
@Injectable()
export class FeedRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The user's events: those they are the actor of, and those about them (`resourceType` `user`,
   * `resourceId` their id). Each side reads its own index (actor; resource type and id) in keyset
   * order, at most `limit` rows, and the two are merged: an OR would read every match and sort.
   */
  page(userId: string, limit: number, cursor?: EventCursor): Promise<EventRow[]> {
    const params: unknown[] = [userId, limit];
    const after = cursor ? `AND (time, id) < ($${params.push(cursor.time)}::timestamptz, $${params.push(cursor.id)}::text)` : '';
    const side = (match: string) => `(SELECT ${EVENT_COLUMNS} FROM events WHERE ${match} AND ${VISIBLE} ${after} ORDER BY time DESC, id DESC LIMIT $2)`;
    const sql = `SELECT DISTINCT ON (time_utc, id) * FROM (${side('actor = $1')} UNION ALL ${side(`resource_type = 'user' AND resource_id = $1`)}) f
      ORDER BY time_utc DESC, id DESC LIMIT $2`;
    return this.db.query<EventRow[]>(sql, params);
  }
}
