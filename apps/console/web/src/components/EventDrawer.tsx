import { type FormEvent, useState } from 'react';
import { appRequest, request } from '../api.js';
import { CausationTree } from './CausationTree.js';
import { ConsumerSelect } from './ConsumerSelect.js';
import { formatTime, preview } from '../format.js';
import { useAsync } from '../hooks.js';
import { queryString } from '../query-string.js';
import type { ConsumerInfo, EventItem, Lang, Timeline } from '../types.js';
import { Drawer } from './Drawer.js';
import { Json } from './Json.js';
import { LevelBadge } from './LevelBadge.js';
import { Sentence } from './Sentence.js';
import { Empty, ErrorBox, Loading, Notice } from './Status.js';

// What the store adds to the envelope (its sentences included); `category` stays: publishers set it too.
const STORE_FIELDS = ['receivedAt', 'streamSeq', 'resolved', 'resolvedAt', 'resolvedBy', 'message', 'messageEn', 'sentence', 'lang', 'dir'] as const;

/** The CloudEvents envelope as published: the stored event without what the store added. */
function envelopeOf(e: EventItem): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...e };
  for (const f of STORE_FIELDS) delete copy[f];
  return copy;
}

/** One event: envelope, data, headers, the resource's timeline, and a replay to one consumer. */
export function EventDrawer({ eventId, onOpen, onClose, lang = 'en' }: { eventId: string; onOpen: (id: string) => void; onClose: () => void; lang?: Lang }) {
  const event = useAsync((signal) => appRequest<EventItem>('event-store', `/events/${eventId}${queryString({ lang })}`, { signal }), [eventId, lang]);
  const e = event.data?.id === eventId ? event.data : undefined;
  return (
    <Drawer title={e ? <><LevelBadge level={e.level} /> <code>{e.type}</code></> : 'Event'} onClose={onClose}>
      {event.status === 'error' && <ErrorBox error={event.error} onRetry={event.reload} title="Could not load the event" />}
      {!e && event.status === 'loading' && <Loading what="the event" />}
      {e && (
        <>
          <p className="drawer-sentence">
            <Sentence event={e} />
          </p>
          <dl className="facts">
            <dt>id</dt>
            <dd><code>{e.id}</code></dd>
            <dt>time</dt>
            <dd>{formatTime(e.time)}</dd>
            <dt>source</dt>
            <dd>{e.source}</dd>
            {e.subject && (<><dt>subject</dt><dd>{e.subject}</dd></>)}
            {(e.resourcetype || e.resourceid) && (<><dt>resource</dt><dd>{e.resourcetype}/{e.resourceid}</dd></>)}
            {e.correlationid && (<><dt>correlation</dt><dd><code>{e.correlationid}</code></dd></>)}
            <dt>stored</dt>
            <dd>{formatTime(e.receivedAt)}{e.streamSeq !== null ? ` · stream seq ${e.streamSeq}` : ''}</dd>
            {e.level === 'error' && (<><dt>resolved</dt><dd>{e.resolved ? `yes, by ${e.resolvedBy ?? '?'} at ${formatTime(e.resolvedAt)}` : 'no'}</dd></>)}
          </dl>

          <h3>Data</h3>
          <Json value={e.data} />

          <h3>Headers</h3>
          <p className="muted small">As every mesh publish sets them on the NATS message (the store keeps the envelope, from which they follow).</p>
          <Json value={{ 'Nats-Msg-Id': e.id, 'Content-Type': 'application/cloudevents+json', subject: `events.${e.type}` }} />

          <h3>Envelope</h3>
          <Json value={envelopeOf(e)} />

          <h3>Caused events</h3>
          <CausationTree eventId={e.id} onOpen={onOpen} />

          <h3>Timeline</h3>
          <ResourceTimeline event={e} onOpen={onOpen} lang={lang} />

          <h3>Replay to consumer…</h3>
          <ReplayForm event={e} />
        </>
      )}
    </Drawer>
  );
}

function ResourceTimeline({ event, onOpen, lang }: { event: EventItem; onOpen: (id: string) => void; lang: Lang }) {
  const { resourcetype, resourceid } = event;
  const timeline = useAsync(
    async (signal) =>
      resourcetype && resourceid
        ? appRequest<Timeline>('event-store', `/events/timeline${queryString({ resourceType: resourcetype, resourceId: resourceid, includeRelated: true, lang })}`, { signal })
        : null,
    [resourcetype, resourceid, lang],
  );
  if (!resourcetype || !resourceid) return <Empty>This event names no resource (resourcetype and resourceid), so it has no timeline.</Empty>;
  if (timeline.status === 'error') return <ErrorBox error={timeline.error} onRetry={timeline.reload} title="Could not load the timeline" />;
  if (!timeline.data) return <Loading what="the timeline" />;
  return (
    <>
      <p className="muted small">
        {resourcetype}/{resourceid}: {timeline.data.items.length} event{timeline.data.items.length === 1 ? '' : 's'}, oldest first
        {timeline.data.truncated ? ' (more exist: the timeline stops here)' : ''}
      </p>
      <ol className="timeline" aria-label="timeline">
        {timeline.data.items.map((t) => (
          <li key={t.id} className={t.id === event.id ? 'current' : ''}>
            <button type="button" className="btn-link" onClick={() => onOpen(t.id)} disabled={t.id === event.id}>
              <span className="timeline-time">{formatTime(t.time)}</span> <LevelBadge level={t.level} /> <code>{t.type}</code>
              {t.related && <span className="muted small"> (related by correlation id)</span>}
            </button>
            <div className="small">
              <Sentence event={t} />
            </div>
            <div className="muted small">{preview(t.data, 90)}</div>
          </li>
        ))}
      </ol>
    </>
  );
}

function ReplayForm({ event }: { event: EventItem }) {
  const consumers = useAsync((signal) => request<ConsumerInfo[]>('/api/mesh/consumers', { signal }), []);
  const [consumer, setConsumer] = useState('');
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const targets = (consumers.data ?? []).filter((c) => c.replayable);
  const chosen = consumer || targets[0]?.name || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(null);
    try {
      const res = await appRequest<{ consumer: string; queued: number }>('event-store', '/events/replay', { method: 'POST', body: { consumer: chosen, id: event.id } });
      setOutcome({ kind: 'ok', text: `Queued ${res.queued} event for ${res.consumer}: only that app receives it again.` });
    } catch (err) {
      setOutcome({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  if (consumers.status === 'error') return <ErrorBox error={consumers.error} onRetry={consumers.reload} title="Could not list the consumers" />;
  if (!consumers.data) return <Loading what="consumers" />;
  if (targets.length === 0) return <Empty>No consumer app has registered a replay durable yet (each creates one when it first starts).</Empty>;
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Replay to consumer">
      <ConsumerSelect targets={targets} chosen={chosen} onChange={setConsumer} />
      <button type="submit" className="btn btn-primary" disabled={busy || !chosen}>
        {busy ? 'Replaying…' : 'Replay this event'}
      </button>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
    </form>
  );
}
