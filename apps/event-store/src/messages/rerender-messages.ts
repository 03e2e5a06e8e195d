import { EVENT_COLUMNS, type EventRow } from '../store/stored-event-row.js';
import { envelopeOf } from '../store/stored-envelope.js';
import { typeCondition } from '../store/type-pattern.js';
import type { MessageCatalog } from './message-catalog.js';

/** Runs one parameterised statement and gives its rows (a pg client or a TypeORM DataSource behind it). */
export type RowQuery = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface RerenderOptions {
  /** An event type or pattern (`sms.*`, `order.>`); every event when absent. */
  type?: string;
  /** Rows read and updated per statement. */
  batchSize?: number;
}

/**
 * Renders the stored events' sentences again with `catalog` (after a template changed), newest
 * first, a keyset page per transaction: the writer keeps writing meanwhile. Returns how many rows
 * were rewritten.
 */
export async function rerenderMessages(query: RowQuery, catalog: MessageCatalog, options: RerenderOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1_000;
  let cursor: { time: string; id: string } | undefined;
  let updated = 0;
  for (;;) {
    const params: unknown[] = [];
    const add = (v: unknown) => `$${params.push(v)}`;
    const where: string[] = [];
    const type = options.type === undefined ? undefined : typeCondition(options.type, add);
    if (type) where.push(type);
    if (cursor) where.push(`(time, id) < (${add(cursor.time)}::timestamptz, ${add(cursor.id)}::text)`);
    const rows = await query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY time DESC, id DESC LIMIT ${add(batchSize)}`,
      params,
    );
    if (rows.length === 0) return updated;
    const changes = rows.map((row) => {
      const m = catalog.render(envelopeOf(row));
      return { id: row.id, time: row.time_utc, message: m.message, message_en: m.messageEn, category: m.category };
    });
    // Rows are locked in one order (the page's) before they change, so two re-renders at once (two
    // admins, two replicas) wait for each other instead of deadlocking.
    await query(
      `WITH r AS (SELECT * FROM json_to_recordset($1::json) AS r(id text, time timestamptz, message text, message_en text, category text)),
            locked AS MATERIALIZED (SELECT e.time, e.id FROM events e JOIN r ON e.time = r.time AND e.id = r.id ORDER BY e.time DESC, e.id DESC FOR UPDATE OF e)
       UPDATE events e SET message = r.message, message_en = r.message_en, category = r.category
         FROM locked l JOIN r ON r.time = l.time AND r.id = l.id
        WHERE e.time = l.time AND e.id = l.id`,
      [JSON.stringify(changes)],
    );
    updated += rows.length;
    const last = rows[rows.length - 1];
    cursor = { time: last.time_utc, id: last.id };
  }
}
