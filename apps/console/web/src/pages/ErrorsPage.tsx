import { useState } from 'react';
import { appRequest } from '../api.js';
import { EventDrawer } from '../components/EventDrawer.js';
import { EventList } from '../components/EventList.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Status.js';
import { useAsync } from '../hooks.js';
import { queryString } from '../query-string.js';
import type { EventItem, EventPage } from '../types.js';

/** Error-level events to work through: unresolved by default; resolve / unresolve each. */
export function ErrorsPage() {
  const [resolved, setResolved] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const list = useAsync((signal) => appRequest<EventPage>('event-store', `/events${queryString({ level: 'error', resolved, limit: 200 })}`, { signal }), [resolved]);

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
      {list.data && list.data.items.length === 0 && <Empty>{resolved ? 'No resolved errors.' : 'No unresolved errors. All clear.'}</Empty>}
      {list.data && list.data.items.length > 0 && (
        <EventList
          events={list.data.items}
          onOpen={(e) => setOpen(e.id)}
          actions={(e) => (
            <button type="button" className="btn btn-small" disabled={busy === e.id} onClick={() => void toggle(e)}>
              {busy === e.id ? '…' : e.resolved ? 'Unresolve' : 'Resolve'}
            </button>
          )}
        />
      )}
      {open && <EventDrawer eventId={open} onOpen={setOpen} onClose={() => setOpen(null)} />}
    </section>
  );
}
