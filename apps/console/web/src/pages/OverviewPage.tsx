import type { ReactNode } from 'react';
import { appRequest, request } from '../api.js';
import { Sparkline } from '../components/Sparkline.js';
import { ErrorBox } from '../components/Status.js';
import { formatCount, formatPercent, timeAgo } from '../format.js';
import type { EventRate } from '../glance-types.js';
import { useAsync, useInterval } from '../hooks.js';
import { formatAge, largestDlq, largestLag, webhookBacklog } from '../overview-figures.js';
import { queryString } from '../query-string.js';
import type { EventStats, HealthBody, MeshHealth, MeshStatus } from '../types.js';

const REFRESH_MS = 5_000;
const HOUR = 3_600_000;

type Tone = 'ok' | 'warn' | 'bad' | 'idle';

/** One figure: what it is, its value, a line of context, and the page that explains it. */
function Figure({ title, value, detail, href, tone = 'idle', children, name }: { title: string; value: ReactNode; detail?: ReactNode; href: string; tone?: Tone; children?: ReactNode; name: string }) {
  return (
    <a className={`card figure figure-${tone}`} href={href} data-figure={name}>
      <span className="stat-label">{title}</span>
      <span className="stat-value">{value}</span>
      {children}
      {detail && <span className="muted small figure-detail">{detail}</span>}
    </a>
  );
}

const loading = <span className="muted">…</span>;

/**
 * The landing page: is the mesh healthy, how busy and how erroneous it is, where work piles up
 * (lag, dead letters, webhooks) and what SMS did in the last hour. Each figure links to its page;
 * everything is read again every 5 s.
 */
export function OverviewPage() {
  const health = useAsync((signal) => request<MeshHealth>('/api/mesh/health', { signal }), []);
  const self = useAsync((signal) => readSelfHealth(signal), []);
  const status = useAsync((signal) => request<MeshStatus>('/api/mesh/status', { signal }), []);
  const rate = useAsync((signal) => appRequest<EventRate>('event-store', '/events/rate?minutes=60', { signal }), []);
  const sms = useAsync((signal) => {
    const to = new Date();
    return appRequest<EventStats>('event-store', `/events/stats${queryString({ from: new Date(to.getTime() - HOUR).toISOString(), to: to.toISOString() })}`, { signal });
  }, []);
  useInterval(() => [health, self, status, rate, sms].forEach((s) => s.reload()), REFRESH_MS);

  const apps = health.data?.apps ?? [];
  const up = apps.filter((a) => a.status === 'up').length;
  const nats = self.data?.details?.nats?.status;
  const db = self.data?.details?.database?.status;
  const meshTone: Tone = !health.data ? 'idle' : up === apps.length && nats === 'up' && db === 'up' ? 'ok' : 'bad';
  const lag = status.data ? largestLag(status.data) : null;
  const dlq = status.data ? largestDlq(status.data) : null;
  const hooks = webhookBacklog(apps);
  const perMinute = rate.data?.minutes.map((m) => m.count) ?? [];
  // The current minute is still filling: the last whole one is the figure.
  const lastMinute = perMinute.length > 1 ? perMinute[perMinute.length - 2] : undefined;
  const smsCount = (t: string) => sms.data?.types.find((x) => x.type === t)?.count ?? 0;
  const errors = [health, self, status, rate, sms].filter((s) => s.status === 'error');

  return (
    <section className="page">
      <p className="muted" aria-live="polite">
        {health.data ? `Checked ${timeAgo(health.data.checkedAt)} · refreshes every ${REFRESH_MS / 1000} s` : ' '}
      </p>
      {errors.map((s, i) => (
        <ErrorBox key={i} error={s.error!} onRetry={s.reload} title="Part of the overview could not be read" />
      ))}
      <div className="figures">
        <Figure name="mesh" title="Mesh health" href="#/health" tone={meshTone} value={health.data ? `${up} of ${apps.length} apps up` : loading}>
          <span className="figure-pills">
            <span className={`pill pill-${nats === 'up' ? 'up' : 'down'}`}>NATS {nats ?? '?'}</span>
            <span className={`pill pill-${db === 'up' ? 'up' : 'down'}`}>PostgreSQL {db ?? '?'}</span>
            {apps
              .filter((a) => a.status !== 'up')
              .map((a) => (
                <span key={a.name} className={`pill pill-${a.status}`}>
                  {a.name} {a.status}
                </span>
              ))}
          </span>
        </Figure>
        <Figure name="rate" title="Events per minute" href="#/stats" value={lastMinute === undefined ? loading : formatCount(lastMinute)} detail={rate.data ? `${formatCount(rate.data.total)} in the last hour` : undefined}>
          {perMinute.length > 0 && <Sparkline values={perMinute.slice(0, -1)} label={`events per minute over the last hour, ${formatCount(lastMinute)} in the last one`} />}
        </Figure>
        <Figure
          name="error-rate"
          title="Error rate, last hour"
          href="#/errors"
          tone={!rate.data ? 'idle' : rate.data.errors > 0 ? 'warn' : 'ok'}
          value={rate.data ? formatPercent(rate.data.errorRate) : loading}
          detail={rate.data ? `${formatCount(rate.data.errors)} errors of ${formatCount(rate.data.total)} events` : undefined}
        />
        <Figure
          name="lag"
          title="Largest consumer lag"
          href="#/health"
          tone={!status.data ? 'idle' : lag && lag.value > 0 ? 'warn' : 'ok'}
          value={status.data ? formatCount(lag?.value ?? 0) : loading}
          detail={status.data ? (lag ? `pending for ${lag.name}` : 'no consumers yet') : undefined}
        />
        <Figure
          name="dlq"
          title="Largest dead-letter queue"
          href="#/dead-letters"
          tone={!status.data ? 'idle' : dlq ? 'bad' : 'ok'}
          value={status.data ? formatCount(dlq?.value ?? 0) : loading}
          detail={status.data ? (dlq ? `dead letters of ${dlq.name}` : 'no dead letters') : undefined}
        />
        <Figure
          name="webhooks"
          title="Oldest waiting webhook delivery"
          href="#/webhooks"
          tone={!hooks ? 'idle' : hooks.oldestSeconds > 300 ? 'bad' : hooks.due > 0 ? 'warn' : 'ok'}
          value={!health.data ? loading : hooks ? (hooks.due > 0 ? formatAge(hooks.oldestSeconds) : 'none') : '–'}
          detail={!health.data ? undefined : hooks ? `${formatCount(hooks.due)} due now` : 'the webhook-dispatcher is not in this mesh'}
        />
        <Figure
          name="sms"
          title="SMS, last hour"
          href="#/events?type=sms.*"
          tone={!sms.data ? 'idle' : smsCount('sms.failed') > 0 ? 'warn' : 'ok'}
          value={sms.data ? `${formatCount(smsCount('sms.sent'))} sent` : loading}
          detail={sms.data ? `${formatCount(smsCount('sms.failed'))} failed` : undefined}
        />
      </div>
    </section>
  );
}

/** The console's own readiness: its NATS and PostgreSQL checks stand for the mesh's (503 still has the body). */
async function readSelfHealth(signal: AbortSignal): Promise<HealthBody> {
  const res = await fetch('/health/events', { signal, headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as HealthBody | null;
  if (!body) throw new Error(`The console's /health/events answered ${res.status} without a body`);
  return body;
}
