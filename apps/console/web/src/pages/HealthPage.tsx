import { request } from '../api.js';
import { StatusPill } from '../components/LevelBadge.js';
import { ErrorBox, Loading } from '../components/Status.js';
import { formatCount, timeAgo } from '../format.js';
import { useAsync, useInterval } from '../hooks.js';
import type { AppHealth, MeshHealth } from '../types.js';

const REFRESH_MS = 5_000;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Every app's /health/events at a glance: status, consumer lag, DLQ depth, outbox size; refreshed every 5 s. */
export function HealthPage() {
  const health = useAsync((signal) => request<MeshHealth>('/api/mesh/health', { signal }), []);
  useInterval(health.reload, REFRESH_MS);
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
          <dd className={num(dlq?.depth) ? 'warn' : ''}>{dlq ? formatCount(num(dlq.depth)) : '–'}</dd>
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
