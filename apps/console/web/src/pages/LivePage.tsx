import { type FormEvent, useEffect, useRef, useState } from 'react';
import { authHeaders } from '../api.js';
import { Drawer } from '../components/Drawer.js';
import { Json } from '../components/Json.js';
import { LevelBadge } from '../components/LevelBadge.js';
import { Empty, ErrorBox } from '../components/Status.js';
import { formatClock, preview } from '../format.js';
import { readEventStream } from '../sse.js';
import type { CloudEvent } from '../types.js';
import { listKeys } from '../list-keys.js';

/** Rows kept on screen; older ones drop off the bottom so a busy bus cannot exhaust the tab. */
const MAX_ROWS = 500;
const RETRY_MS = 2_000;
/** Events are added to the list in batches, not one render per event. */
const FLUSH_MS = 200;

type Connection = { state: 'connecting' } | { state: 'live'; connected: boolean } | { state: 'error'; error: Error };

/** A live tail of the bus (server-sent events from the console's NATS subscription): pattern box, pause, clear. */
export function LivePage() {
  const [draft, setDraft] = useState('>');
  const [pattern, setPattern] = useState('>');
  const [paused, setPaused] = useState(false);
  const [events, setEvents] = useState<CloudEvent[]>([]);
  const [missed, setMissed] = useState(0);
  const [skipped, setSkipped] = useState(0);
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  const [open, setOpen] = useState<CloudEvent | null>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    let pending: CloudEvent[] = [];
    const flush = setInterval(() => {
      if (pending.length === 0) return;
      const batch = pending.reverse();
      pending = [];
      setEvents((list) => [...batch, ...list].slice(0, MAX_ROWS));
    }, FLUSH_MS);
    const connect = () => {
      setConnection({ state: 'connecting' });
      readEventStream(
        `/api/live?pattern=${encodeURIComponent(pattern)}`,
        authHeaders(),
        (m) => {
          if (m.event === 'ready' || m.event === 'heartbeat') {
            const { connected } = JSON.parse(m.data) as { connected: boolean };
            setConnection({ state: 'live', connected });
          } else if (m.event === 'event') {
            if (pausedRef.current) return setMissed((n) => n + 1);
            pending.push(JSON.parse(m.data) as CloudEvent);
          } else if (m.event === 'skipped') {
            const { count } = JSON.parse(m.data) as { count: number };
            setSkipped((n) => n + count);
          }
        },
        abort.signal,
      ).then(
        () => {
          if (abort.signal.aborted) return;
          setConnection({ state: 'error', error: new Error('The console closed the stream; reconnecting…') });
          retry = setTimeout(connect, RETRY_MS);
        },
        (err: Error & { status?: number }) => {
          if (abort.signal.aborted) return;
          setConnection({ state: 'error', error: err });
          // A refused pattern or key will not get better by itself; a dropped connection will.
          if (err.status === undefined || err.status >= 500) retry = setTimeout(connect, RETRY_MS);
        },
      );
    };
    connect();
    return () => {
      abort.abort();
      clearTimeout(retry);
      clearInterval(flush);
    };
  }, [pattern]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setEvents([]);
    setMissed(0);
    setSkipped(0);
    setPattern(draft.trim() || '>');
  };
  const resume = () => {
    setPaused(false);
    setMissed(0);
  };

  return (
    <section className="page">
      <form className="toolbar" onSubmit={apply} aria-label="Live tail">
        <label className="grow">
          Pattern
          <input name="pattern" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="> (everything), vendor.*, order.>" />
        </label>
        <button type="submit" className="btn btn-primary">
          Tail
        </button>
        {paused ? (
          <button type="button" className="btn" onClick={resume}>
            Resume
          </button>
        ) : (
          <button type="button" className="btn" onClick={() => setPaused(true)}>
            Pause
          </button>
        )}
        <button type="button" className="btn" onClick={() => setEvents([])} disabled={events.length === 0}>
          Clear
        </button>
      </form>
      <p className="live-status" aria-live="polite" data-state={connection.state}>
        {connection.state === 'connecting' && <>Connecting to the bus…</>}
        {connection.state === 'live' && (
          <>
            <span className={`dot ${connection.connected ? 'dot-up' : 'dot-down'}`} aria-hidden="true" />
            {connection.connected ? `Live: events.${pattern}` : 'The console has lost NATS; waiting for it to reconnect'}
            {paused && ` · paused${missed > 0 ? `, ${missed} new event${missed === 1 ? '' : 's'} not shown` : ''}`}
          </>
        )}
      </p>
      {connection.state === 'error' && <ErrorBox error={connection.error} title="Live tail" />}
      {skipped > 0 && (
        <p className="notice notice-error" role="status">
          {skipped.toLocaleString()} events not shown: the tail sends at most a few hundred a second. Narrow the pattern, or see them all in Events.
        </p>
      )}
      {events.length === 0 ? (
        connection.state === 'live' && <Empty>Waiting for events on events.{pattern}… they appear here as they are published.</Empty>
      ) : (
        <ul className="live-list" aria-label="live events" onKeyDown={listKeys}>
          {events.map((e) => (
            <li key={e.id} data-event-id={e.id} data-event-type={e.type}>
              <button type="button" className="live-row" data-row onClick={() => setOpen(e)}>
                <span className="cell-time">{formatClock(e.time)}</span>
                <LevelBadge level={e.level} />
                <code className="cell-type">{e.type}</code>
                <span className="cell-source">{e.source}</span>
                <span className="cell-data">{preview(e.data, 100)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {events.length >= MAX_ROWS && <p className="muted small">Showing the newest {MAX_ROWS}; older ones are in Events.</p>}
      {open && (
        <Drawer title={<code>{open.type}</code>} onClose={() => setOpen(null)}>
          <Json value={open} />
        </Drawer>
      )}
    </section>
  );
}
