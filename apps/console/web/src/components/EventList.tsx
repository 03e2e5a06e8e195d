import type { ReactNode } from 'react';
import { formatTime, preview } from '../format.js';
import type { CloudEvent, EventItem } from '../types.js';
import { listKeys } from '../list-keys.js';
import { LevelBadge } from './LevelBadge.js';
import { Sentence } from './Sentence.js';

/** What a row shows: live envelopes and stored events (whose `level` is any producer's string) alike. */
type EventRow = Pick<CloudEvent, 'id' | 'type' | 'time' | 'source' | 'subject' | 'resourcetype' | 'resourceid' | 'data'> & { level?: string };

const resourceOf = (e: EventRow) => (e.resourcetype || e.resourceid ? `${e.resourcetype ?? '?'}/${e.resourceid ?? e.subject ?? '?'}` : (e.subject ?? ''));

/** Events as rows (a table on a laptop, stacked cards on a phone); a stored event shows its sentence; a click (or ↓/↑ then Enter) opens it (and its JSON). */
export function EventList<E extends EventRow>({ events, onOpen, actions }: { events: E[]; onOpen: (e: E) => void; actions?: (e: E) => ReactNode }) {
  return (
    <ul className="event-list" aria-label="events" onKeyDown={listKeys}>
      {/* The head takes the rows' grid (with the actions column when they have one), so its columns line up. */}
      <li className={`event-row event-head${actions ? ' with-actions' : ''}`} aria-hidden="true">
        <span>time</span>
        <span>level</span>
        <span>type</span>
        <span>resource</span>
        <span>source</span>
        <span>what happened</span>
        {actions && <span />}
      </li>
      {events.map((e) => (
        <li key={e.id} className={`event-row${actions ? ' with-actions' : ''}`} data-event-id={e.id} data-event-type={e.type}>
          <button type="button" className="event-open" data-row onClick={() => onOpen(e)} aria-label={`Open ${e.type} ${e.id}`} />
          <span className="cell-time" title={e.time}>
            {formatTime(e.time)}
          </span>
          <span>
            <LevelBadge level={e.level} />
          </span>
          <span className="cell-type">{e.type}</span>
          <span className="cell-resource">{resourceOf(e)}</span>
          <span className="cell-source">{e.source}</span>
          {'message' in e ? <Sentence event={e as unknown as EventItem} className="cell-data cell-sentence" /> : <span className="cell-data">{preview(e.data)}</span>}
          {actions && <span className="cell-actions">{actions(e)}</span>}
        </li>
      ))}
    </ul>
  );
}
