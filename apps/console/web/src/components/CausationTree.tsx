import { appRequest } from '../api.js';
import { useAsync } from '../hooks.js';
import { LevelBadge } from './LevelBadge.js';
import { Empty, ErrorBox, Loading } from './Status.js';

/** `GET /events/:id/trace` of the event store. */
interface TraceNode {
  id: string;
  type: string;
  source: string;
  time: string;
  level: string;
  offsetMs: number;
  sinceParentMs: number;
  children: TraceNode[];
}
interface Trace {
  root: TraceNode;
  count: number;
  depth: number;
  durationMs: number;
  truncated: boolean;
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n * 10) / 10} ms`);

/** What the event caused, directly or through handlers that published follow-ups, as a tree with timings. */
export function CausationTree({ eventId, onOpen }: { eventId: string; onOpen: (id: string) => void }) {
  const trace = useAsync((signal) => appRequest<Trace>('event-store', `/events/${encodeURIComponent(eventId)}/trace`, { signal }), [eventId]);
  if (trace.status === 'error') return <ErrorBox error={trace.error} onRetry={trace.reload} title="Could not load what this event caused" />;
  if (!trace.data) return <Loading what="the causation tree" />;
  const t = trace.data;
  if (t.count === 1) return <Empty>No stored event names this one as its cause (causationid).</Empty>;
  return (
    <>
      <p className="muted small">
        {t.count - 1} event{t.count === 2 ? '' : 's'} caused, {t.depth} level{t.depth === 1 ? '' : 's'} deep, over {ms(t.durationMs)}
        {t.truncated ? ' (cut: the tree is larger)' : ''}
      </p>
      <ul className="causation-tree" aria-label="causation tree">
        <Branch node={t.root} current={eventId} onOpen={onOpen} />
      </ul>
    </>
  );
}

function Branch({ node, current, onOpen }: { node: TraceNode; current: string; onOpen: (id: string) => void }) {
  return (
    <li data-event-id={node.id}>
      <button type="button" className="btn-link" onClick={() => onOpen(node.id)} disabled={node.id === current}>
        <LevelBadge level={node.level} /> <code>{node.type}</code> <span className="muted small">{node.source}</span>
      </button>
      <span className="trace-timing muted small" title={`${ms(node.offsetMs)} after the root`}>
        {node.id === current ? 'this event' : `+${ms(node.sinceParentMs)} (at ${ms(node.offsetMs)})`}
      </span>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <Branch key={c.id} node={c} current={current} onOpen={onOpen} />
          ))}
        </ul>
      )}
    </li>
  );
}
