import { type FormEvent, useEffect, useState } from 'react';
import { appRequest } from '../api.js';
import { EventDrawer } from '../components/EventDrawer.js';
import { EventList } from '../components/EventList.js';
import { Empty, ErrorBox, Loading } from '../components/Status.js';
import { localInputToIso } from '../format.js';
import { hashParams, setHashParams, useAsync } from '../hooks.js';
import { queryString } from '../query-string.js';
import { useLang } from '../lang.js';
import { type EventItem, type EventPage, type Lang, LEVELS, type Level } from '../types.js';

interface Filters {
  type: string;
  resourceType: string;
  resourceId: string;
  source: string;
  level: Level[];
  from: string;
  to: string;
  q: string;
}

const NO_FILTERS: Filters = { type: '', resourceType: '', resourceId: '', source: '', level: [], from: '', to: '', q: '' };

/** The filters (and the open event) in the link: `#/events?type=order.*&level=error&event=<id>`. */
function filtersFromLink(): Filters {
  const p = hashParams();
  const text = (k: keyof Filters) => p.get(k) ?? '';
  return {
    type: text('type'),
    resourceType: text('resourceType'),
    resourceId: text('resourceId'),
    source: text('source'),
    level: p.getAll('level').filter((l): l is Level => (LEVELS as string[]).includes(l)),
    from: text('from'),
    to: text('to'),
    q: text('q'),
  };
}

const linkOf = (f: Filters, event: string | null) => queryString({ ...f, level: f.level, event: event ?? undefined });
const PAGE_SIZE = 50;

const toQuery = (f: Filters, lang: Lang, cursor?: string) =>
  queryString({
    type: f.type.trim(),
    resourceType: f.resourceType.trim(),
    resourceId: f.resourceId.trim(),
    source: f.source.trim(),
    level: f.level,
    from: localInputToIso(f.from),
    to: localInputToIso(f.to),
    q: f.q.trim(),
    limit: PAGE_SIZE,
    lang,
    cursor,
  });

/** The history from the event store: the filters of GET /events, keyset pages, the detail drawer. */
export function EventsPage() {
  const [draft, setDraft] = useState<Filters>(filtersFromLink);
  const [applied, setApplied] = useState<Filters>(filtersFromLink);
  const [older, setOlder] = useState<{ items: EventItem[]; nextCursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState<Error | 'loading' | null>(null);
  const [open, setOpen] = useState<string | null>(() => hashParams().get('event'));
  const [lang, setLang] = useLang();
  useEffect(() => {
    setHashParams(linkOf(applied, open));
  }, [applied, open]);
  // A link followed in an open tab changes only the hash: take its filters and event as a load would.
  useEffect(() => {
    const onHash = () => {
      if (!window.location.hash.startsWith('#/events')) return;
      const linked = filtersFromLink();
      setDraft(linked);
      setApplied((a) => (JSON.stringify(a) === JSON.stringify(linked) ? a : linked));
      setOpen(hashParams().get('event'));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  // On a phone the filters would push the list below the fold: folded until asked for.
  const [showFilters, setShowFilters] = useState(() => !window.matchMedia('(max-width: 760px)').matches);

  const page = useAsync(
    async (signal) => {
      setOlder(null);
      return appRequest<EventPage>('event-store', `/events${toQuery(applied, lang)}`, { signal });
    },
    [applied, lang],
  );

  const items = [...(page.data?.items ?? []), ...(older?.items ?? [])];
  const nextCursor = older ? older.nextCursor : (page.data?.nextCursor ?? null);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ ...draft });
  };
  const reset = () => {
    setDraft(NO_FILTERS);
    setApplied(NO_FILTERS);
  };
  const loadOlder = async () => {
    if (!nextCursor) return;
    setLoadingMore('loading');
    try {
      const next = await appRequest<EventPage>('event-store', `/events${toQuery(applied, lang, nextCursor)}`);
      setOlder((o) => ({ items: [...(o?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
      setLoadingMore(null);
    } catch (err) {
      setLoadingMore(err as Error);
    }
  };
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const toggleLevel = (l: Level) => set('level', draft.level.includes(l) ? draft.level.filter((x) => x !== l) : [...draft.level, l]);
  const filtered = JSON.stringify(applied) !== JSON.stringify(NO_FILTERS);

  return (
    <section className="page">
      <button type="button" className="btn filters-toggle" aria-expanded={showFilters} onClick={() => setShowFilters((v) => !v)}>
        {showFilters ? 'Hide filters' : `Filters${filtered ? ' (on)' : ''}`}
      </button>
      <form className={`filters${showFilters ? '' : ' folded'}`} onSubmit={apply} aria-label="Event filters">
        <label>
          Type
          <input name="type" value={draft.type} onChange={(e) => set('type', e.target.value)} placeholder="vendor.* or order.>" />
        </label>
        <label>
          Resource type
          <input name="resourceType" value={draft.resourceType} onChange={(e) => set('resourceType', e.target.value)} placeholder="vendor" />
        </label>
        <label>
          Resource id
          <input name="resourceId" value={draft.resourceId} onChange={(e) => set('resourceId', e.target.value)} />
        </label>
        <label>
          Source
          <input name="source" value={draft.source} onChange={(e) => set('source', e.target.value)} placeholder="vendor-service" />
        </label>
        <label>
          From
          <input name="from" type="datetime-local" step="1" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          To
          <input name="to" type="datetime-local" step="1" value={draft.to} onChange={(e) => set('to', e.target.value)} />
        </label>
        <label className="wide">
          Text in data
          <input name="q" value={draft.q} onChange={(e) => set('q', e.target.value)} placeholder="Taco" />
        </label>
        <fieldset className="levels">
          <legend>Level</legend>
          {LEVELS.map((l) => (
            <label key={l} className="check">
              <input type="checkbox" name={`level-${l}`} checked={draft.level.includes(l)} onChange={() => toggleLevel(l)} /> {l}
            </label>
          ))}
        </fieldset>
        <label>
          Sentences in
          <select name="lang" value={lang} onChange={(e) => setLang(e.target.value === 'fa' ? 'fa' : 'en')}>
            <option value="en">English</option>
            <option value="fa">فارسی (Persian)</option>
          </select>
        </label>
        <div className="filter-actions">
          <button type="submit" className="btn btn-primary">
            Apply filters
          </button>
          <button type="button" className="btn" onClick={reset}>
            Reset
          </button>
          <button type="button" className="btn" onClick={page.reload} title="Load the newest events again">
            Refresh
          </button>
        </div>
      </form>

      {page.status === 'error' && <ErrorBox error={page.error} onRetry={page.reload} title="Could not load events" />}
      {page.status === 'loading' && !page.data && <Loading what="events" />}
      {page.data && items.length === 0 && (
        <Empty>{filtered ? 'No event matches these filters. Widen them or press Reset.' : 'The event store holds no events yet. Publish one and press Refresh.'}</Empty>
      )}
      {items.length > 0 && (
        <>
          <p className="muted" aria-live="polite">
            {items.length} event{items.length === 1 ? '' : 's'} shown, newest first{page.status === 'loading' ? ' · refreshing…' : ''}
          </p>
          <EventList events={items} onOpen={(e) => setOpen(e.id)} />
          <div className="pager">
            {nextCursor ? (
              <button type="button" className="btn" onClick={() => void loadOlder()} disabled={loadingMore === 'loading'}>
                {loadingMore === 'loading' ? 'Loading…' : 'Load older events'}
              </button>
            ) : (
              <span className="muted">No older events.</span>
            )}
            {loadingMore instanceof Error && <ErrorBox error={loadingMore} onRetry={() => void loadOlder()} title="Could not load older events" />}
          </div>
        </>
      )}
      {open && <EventDrawer eventId={open} onOpen={setOpen} onClose={() => setOpen(null)} lang={lang} />}
    </section>
  );
}
