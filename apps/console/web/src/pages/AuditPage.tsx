import { type FormEvent, useState } from 'react';
import { auditDiff } from '../audit-diff.js';
import { EventDrawer } from '../components/EventDrawer.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Status.js';
import { formatTime } from '../format.js';
import { useEventPages } from '../event-pages.js';
import { queryString } from '../query-string.js';
import type { EventItem } from '../types.js';

const PAGE_SIZE = 100;

/** The data of an `audit.*` event (libs/events AuditData). */
interface AuditData {
  action?: string;
  actor?: string;
  target?: { type: string; id?: string };
  before?: unknown;
  after?: unknown;
  [detail: string]: unknown;
}

const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const DETAIL_SKIP = new Set(['action', 'actor', 'target', 'before', 'after']);

/** Every admin action of the mesh (`audit.*` events of every age), newest first, with what it changed. */
export function AuditPage() {
  const [actor, setActor] = useState('');
  const [applied, setApplied] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // `/events/audit` reaches past ordinary retention (archived weeks, then `audit_events`).
  const pages = useEventPages((cursor) => `/events/audit${queryString({ actor: applied || undefined, limit: PAGE_SIZE, cursor })}`, [applied]);
  const { list, items, nextCursor } = pages;
  const loadOlder = () => pages.loadOlder().catch((err: Error) => setNotice(`Could not load older actions: ${err.message}`));
  const filter = (e: FormEvent) => {
    e.preventDefault();
    setApplied(actor.trim());
  };

  return (
    <section className="page">
      <form className="toolbar" onSubmit={filter} aria-label="Filter the audit trail">
        <label>
          Actor
          <input name="actor" value={actor} placeholder="admin-api, cli, a name" onChange={(e) => setActor(e.target.value)} />
        </label>
        <button type="submit" className="btn">Filter</button>
        <button type="button" className="btn" onClick={list.reload}>Refresh</button>
      </form>
      {notice && <Notice kind="error" onClose={() => setNotice(null)}>{notice}</Notice>}
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load the audit trail" />}
      {!list.data && list.status === 'loading' && <Loading what="the audit trail" />}
      {list.data && items.length === 0 && <Empty>{applied ? `No admin action by ${applied}.` : 'No admin action recorded yet.'}</Empty>}
      {items.length > 0 && (
        <ul className="audit-list" aria-label="audit trail">
          {items.map((e) => (
            <AuditEntry key={e.id} event={e} onOpen={() => setOpen(e.id)} />
          ))}
        </ul>
      )}
      {nextCursor && (
        <div className="pager">
          <button type="button" className="btn" onClick={() => void loadOlder()}>Load older actions</button>
        </div>
      )}
      {open && <EventDrawer eventId={open} onOpen={setOpen} onClose={() => setOpen(null)} />}
    </section>
  );
}

function AuditEntry({ event, onOpen }: { event: EventItem; onOpen: () => void }) {
  const data = (event.data ?? {}) as AuditData;
  const action = data.action ?? event.type.replace(/^audit\./, '');
  const target = data.target ? `${data.target.type}${data.target.id ? ` ${data.target.id}` : ''}` : (event.resourcetype ?? '');
  const changes = auditDiff(data.before, data.after);
  const details = Object.entries(data).filter(([k]) => !DETAIL_SKIP.has(k));
  return (
    <li className="audit-entry card" data-audit-action={action}>
      <div className="audit-head">
        <span className="cell-time" title={event.time}>{formatTime(event.time)}</span>
        <strong className="audit-actor">{data.actor ?? event.actor ?? '?'}</strong>
        <code className="audit-action">{action}</code>
        <span className="audit-target">{target}</span>
        <span className="muted small">{event.source}</span>
        <button type="button" className="btn btn-small btn-ghost" onClick={onOpen}>Event</button>
      </div>
      {changes.length > 0 && (
        <div className="table-wrap">
          <table className="table audit-diff" aria-label={`changes of ${action}`}>
            <thead>
              <tr><th>field</th><th>before</th><th>after</th></tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.field}>
                  <td><code>{c.field}</code></td>
                  <td className="diff-before">{show(c.before)}</td>
                  <td className="diff-after">{show(c.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {details.length > 0 && <p className="muted small">{details.map(([k, v]) => `${k}: ${show(v)}`).join(' · ')}</p>}
    </li>
  );
}
