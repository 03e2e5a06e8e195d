import { useState } from 'react';
import { appRequest } from '../api.js';
import { EventDrawer } from '../components/EventDrawer.js';
import { ErrorGroups } from '../components/ErrorGroups.js';
import { EventList } from '../components/EventList.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Status.js';
import { useEventPages } from '../event-pages.js';
import { queryString } from '../query-string.js';
import type { EventItem } from '../types.js';

const PAGE_SIZE = 100;
const VIEWS = [
  { value: 'groups', label: 'Grouped' },
  { value: 'unresolved', label: 'Unresolved' },
  { value: 'resolved', label: 'Resolved' },
] as const;

/** Error-level events to work through: unresolved by default; resolve / unresolve each. */
export function ErrorsPage() {
  // Grouped by type and message first: a burst of one failure is one line to deal with, not a hundred.
  const [view, setView] = useState<'groups' | 'unresolved' | 'resolved'>('groups');
  const resolved = view === 'resolved';
  const [refreshed, setRefreshed] = useState(0);
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
          {VIEWS.map((v) => (
            <button key={v.value} type="button" className={`btn${view === v.value ? ' active' : ''}`} aria-pressed={view === v.value} onClick={() => setView(v.value)}>
              {v.label}
            </button>
          ))}
        </div>
        <button type="button" className="btn" onClick={() => (view === 'groups' ? setRefreshed((n) => n + 1) : list.reload())}>
          Refresh
        </button>
      </div>
      {view === 'groups' && <ErrorGroups key={refreshed} onOpen={setOpen} />}
      {view !== 'groups' && notice && <Notice kind={notice.kind} onClose={() => setNotice(null)}>{notice.text}</Notice>}
      {view !== 'groups' && list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load errors" />}
      {view !== 'groups' && !list.data && list.status === 'loading' && <Loading what="errors" />}
      {view !== 'groups' && list.data && items.length === 0 && <Empty>{resolved ? 'No resolved errors.' : 'No unresolved errors. All clear.'}</Empty>}
      {view !== 'groups' && items.length > 0 && (
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
      {view !== 'groups' && nextCursor && (
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
