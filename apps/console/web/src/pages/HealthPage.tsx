import { request } from '../api.js';
import { StatusPill } from '../components/LevelBadge.js';
import { ErrorBox, Loading } from '../components/Status.js';
import { formatCount, timeAgo } from '../format.js';
import { useAsync, useInterval } from '../hooks.js';
import type { AppHealth, MeshHealth, MeshStatus } from '../types.js';

const REFRESH_MS = 5_000;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Every app's /health/events at a glance (status, consumer lag, DLQ depth, outbox size), then JetStream's streams and durables; refreshed every 5 s. */
export function HealthPage() {
  const health = useAsync((signal) => request<MeshHealth>('/api/mesh/health', { signal }), []);
  const status = useAsync((signal) => request<MeshStatus>('/api/mesh/status', { signal }), []);
  useInterval(() => {
    health.reload();
    status.reload();
  }, REFRESH_MS);
  const apps = health.data?.apps ?? [];
  const up = apps.filter((a) => a.status === 'up').length;
  return (
    <section className="page">
      <div className="toolbar">
        <p className="muted grow" aria-live="polite">
          {health.data ? `${up} of ${apps.length} apps up · checked ${timeAgo(health.data.checkedAt)} · refreshes every ${REFRESH_MS / 1000} s` : ' '}
        </p>
        <button type="button" className="btn" onClick={health.reload}>
          Refresh
        </button>
      </div>
      {health.status === 'error' && <ErrorBox error={health.error} onRetry={health.reload} title="Could not read the mesh's health" />}
      {!health.data && health.status === 'loading' && <Loading what="health" />}
      <div className="health-grid">
        {apps.map((a) => (
          <AppCard key={a.name} app={a} />
        ))}
      </div>
      <h2 className="section-title">JetStream</h2>
      {status.status === 'error' && <ErrorBox error={status.error} onRetry={status.reload} title="Could not read the streams" />}
      {!status.data && status.status === 'loading' && <Loading what="streams" />}
      {status.data && <JetStreamTables status={status.data} />}
    </section>
  );
}

function AppCard({ app }: { app: AppHealth }) {
  const d = app.health?.details ?? {};
  const consumer = d.consumer;
  const dlq = d.dlq;
  return (
    <article className={`card health-card health-${app.status}`} data-app={app.name} aria-label={`${app.name} ${app.status}`}>
      <header>
        <h3>{app.name}</h3>
        <StatusPill status={app.status} />
      </header>
      <p className="muted small">
        {app.url} · {app.latencyMs} ms
      </p>
      {app.error && <p className="health-error">{app.error}</p>}
      {app.health && (
        <dl className="metrics">
          <dt>consumer lag</dt>
          <dd>{consumer ? `${formatCount(num(consumer.num_pending))} pending · ${formatCount(num(consumer.num_ack_pending))} in flight` : 'no consumer'}</dd>
          <dt>DLQ depth</dt>
          {/* Without a consumer the app's dlq check counts the whole DLQ (dlq.>): none of it is this app's. */}
          <dd className={consumer && num(dlq?.depth) ? 'warn' : ''}>{consumer && dlq ? formatCount(num(dlq.depth)) : 'no consumer'}</dd>
          <dt>outbox</dt>
          <dd className={app.health.failedEventsCount ? 'warn' : ''}>{formatCount(app.health.failedEventsCount)}</dd>
          <dt>checks</dt>
          <dd className="checks">
            {Object.entries(d).map(([key, v]) => (
              <span key={key} className={`check-chip chip-${v.status ?? 'unknown'}`} title={v.message ?? ''}>
                {key}
              </span>
            ))}
          </dd>
        </dl>
      )}
    </article>
  );
}

function JetStreamTables({ status }: { status: MeshStatus }) {
  return (
    <>
      {status.missingStreams.length > 0 && <p className="health-error">Missing streams: {status.missingStreams.join(', ')} (no app has started on this server yet).</p>}
      <div className="table-wrap">
        <table className="table" aria-label="streams">
          <thead>
            <tr>
              <th>stream</th>
              <th className="num">messages</th>
              <th className="num">MB</th>
              <th className="num">last seq</th>
              <th>last message</th>
              <th className="num">consumers</th>
            </tr>
          </thead>
          <tbody>
            {status.streams.map((s) => (
              <tr key={s.name}>
                <td>{s.name}</td>
                <td className="num">{formatCount(s.messages)}</td>
                <td className="num">{(s.bytes / 1_048_576).toFixed(1)}</td>
                <td className="num">{formatCount(s.lastSeq)}</td>
                <td>{s.lastTime ? timeAgo(s.lastTime) : '–'}</td>
                <td className="num">{s.consumers}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table className="table" aria-label="durable consumers">
          <thead>
            <tr>
              <th>durable</th>
              <th>stream</th>
              <th className="num">pending</th>
              <th className="num">in flight</th>
              <th className="num">redelivered</th>
              <th className="num">pulls waiting</th>
              <th className="num">DLQ</th>
              <th>last active</th>
            </tr>
          </thead>
          <tbody>
            {status.durables.map((d) => (
              <tr key={`${d.stream}/${d.name}`} data-durable={d.name}>
                <td>{d.name}</td>
                <td>{d.stream}</td>
                <td className={`num${d.pending > 0 ? ' warn' : ''}`}>{formatCount(d.pending)}</td>
                <td className="num">{formatCount(d.ackPending)}</td>
                <td className="num">{formatCount(d.redelivered)}</td>
                <td className="num">{d.waiting}</td>
                <td className="num">{d.stream === 'EVENTS' ? formatCount(status.deadLetters[d.name] ?? 0) : ''}</td>
                <td>{d.lastActive ? timeAgo(d.lastActive) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
