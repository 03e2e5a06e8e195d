import { Injectable, NotFoundException } from '@nestjs/common';
import type { AuditQuery } from './dto/audit.query.js';
import type { ListEventsQuery } from './dto/list-events.query.js';
import type { TimelineQuery } from './dto/timeline.query.js';
import { decodeCursor, encodeCursor } from './events-cursor.js';
import { AUDIT_TABLES, EventsRepository } from './events.repository.js';
import { EventItem, toEventItem } from './event-item.js';
import type { EventFilter } from './sql/event-filter.js';
import type { EventRow } from '../store/stored-event-row.js';
import { MessageRenderer } from '../messages/message-renderer.service.js';
import { sentencesOf } from '../messages/event-sentences.js';
import type { Lang } from '../messages/message-template.js';

import type { EventPage, Timeline } from './query.views.js';
export type { EventPage, Timeline } from './query.views.js';

const toFilter = (q: ListEventsQuery): EventFilter => ({
  type: q.type,
  source: q.source,
  resourceType: q.resourceType,
  resourceId: q.resourceId,
  levels: q.level,
  audience: q.audience,
  actor: q.actor,
  correlationId: q.correlationId,
  from: q.from === undefined ? undefined : new Date(q.from),
  to: q.to === undefined ? undefined : new Date(q.to),
  resolved: q.resolved,
  shownToUsers: q.shownToUsers,
  text: q.q,
});

/** The reads of the query API: filtered pages with keyset cursors, one event, a resource's timeline. */
@Injectable()
export class EventsQueryService {
  constructor(
    private readonly events: EventsRepository,
    private readonly messages: MessageRenderer,
  ) {}

  /** The event with its sentences (in `lang` too when asked); stored fields win over same-named extensions. */
  private item(row: EventRow, lang?: Lang): EventItem {
    const item = toEventItem(row);
    return Object.assign(item, sentencesOf(row, this.messages.current, lang));
  }

  async list(q: ListEventsQuery): Promise<EventPage> {
    // One row more than asked tells whether another page exists.
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await this.events.list(toFilter(q), q.limit + 1, cursor, q.archived ? 'events_archive' : 'events');
    return this.page(rows, q.limit, q.lang);
  }

  /** `rows` newest first, one more than `limit` when another page exists. */
  private page(rows: EventRow[], limit: number, lang?: Lang): EventPage {
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor({ time: last.time_utc, id: last.id }) : null;
    return { items: page.map((row) => this.item(row, lang)), nextCursor, limit };
  }

  /**
   * The admin actions of every age: the live `audit.*` events, then the archived ones, then those
   * kept in `audit_events` after their archived week was dropped. Each table is read with the same
   * keyset cursor and the newest `limit` of the three pages are kept, so paging crosses the tables
   * without a gap or a repeat (an event is in one table at a time; retention moves it in one
   * transaction).
   */
  async audit(q: AuditQuery): Promise<EventPage> {
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const filter: EventFilter = {
      type: q.action === undefined ? 'audit.>' : `audit.${q.action}`,
      actor: q.actor,
      from: q.from === undefined ? undefined : new Date(q.from),
      to: q.to === undefined ? undefined : new Date(q.to),
    };
    const pages = await Promise.all(AUDIT_TABLES.map((table) => this.events.list(filter, q.limit + 1, cursor, table)));
    const rows = pages.flat().sort((a, b) => (a.time_utc === b.time_utc ? (a.id < b.id ? 1 : -1) : a.time_utc < b.time_utc ? 1 : -1));
    return this.page(rows, q.limit, q.lang);
  }

  async get(id: string, lang?: Lang): Promise<EventItem> {
    const row = await this.events.findById(id);
    if (!row) throw new NotFoundException(`Event ${id} not found`);
    return this.item(row, lang);
  }

  async timeline(q: TimelineQuery): Promise<Timeline> {
    const rows = await this.events.timeline(q.resourceType, q.resourceId, q.includeRelated, q.limit + 1);
    const items = rows.slice(0, q.limit).map((row) => ({ ...this.item(row, q.lang), related: row.related }));
    return { resourceType: q.resourceType, resourceId: q.resourceId, includeRelated: q.includeRelated, items, limit: q.limit, truncated: rows.length > q.limit };
  }
}
