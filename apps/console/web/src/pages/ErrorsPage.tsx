import { useState } from 'react';
import { appRequest } from '../api.js';
import { EventDrawer } from '../components/EventDrawer.js';
import { EventList } from '../components/EventList.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Status.js';
import { useEventPages } from '../event-pages.js';
import { queryString } from '../query-string.js';
import type { EventItem } from '../types.js';

const PAGE_SIZE = 100;

/** Error-level events to work through: unresolved by default; resolve / unresolve each. */
export function ErrorsPage() {
  const [resolved, setResolved] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const pages = useEventPages((cursor) => `/events${queryString({ level: 'error', resolved, limit: PAGE_SIZE, cursor })}`, [resolved]);
  const { list, items, nextCursor } = pages;
  const loadOlder = () => pages.loadOlder().catch((err: Error) => setNotice({ kind: 'error', text: `Could not load older errors: ${err.message}` }));

  const toggle = async (e: EventItem) => {
    setBusy(e.id);
    setNotice(null);
    try {
      await appRequest<EventItem>('event-store', `/events/${e.id}/${e.resolved ? 'unresolve' : 'resolve'}`, { method: 'PATCH', body: { by: 'console' } });
      setNotice({ kind: 'ok', text: `${e.type} ${e.resolved ? 'is unresolved again' : 'resolved'}.` });
      list.reload();
    } catch (err) {
      setNotice({ kind: 'error', text: `Could not change ${e.type}: ${(err as Error).message}` });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="page">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Which errors">
          <button type="button" className={`btn${!resolved ? ' active' : ''}`} aria-pressed={!resolved} onClick={() => setResolved(false)}>
            Unresolved
          </button>
          <button type="button" className={`btn${resolved ? ' active' : ''}`} aria-pressed={resolved} onClick={() => setResolved(true)}>
            Resolved
          </button>
        </div>
        <button type="button" className="btn" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {notice && <Notice kind={notice.kind} onClose={() => setNotice(null)}>{notice.text}</Notice>}
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load errors" />}
      {!list.data && list.status === 'loading' && <Loading what="errors" />}
      {list.data && items.length === 0 && <Empty>{resolved ? 'No resolved errors.' : 'No unresolved errors. All clear.'}</Empty>}
      {items.length > 0 && (
        <EventList
          events={items}
          onOpen={(e) => setOpen(e.id)}
          actions={(e) => (
            <button type="button" className="btn btn-small" disabled={busy === e.id} onClick={() => void toggle(e)}>
              {busy === e.id ? '…' : e.resolved ? 'Unresolve' : 'Resolve'}
            </button>
          )}
        />
      )}
      {nextCursor && (
        <div className="pager">
          <button type="button" className="btn" onClick={() => void loadOlder()}>
            Load older errors
          </button>
        </div>
      )}
      {open && <EventDrawer eventId={open} onOpen={setOpen} onClose={() => setOpen(null)} />}
    </section>
  );
}
