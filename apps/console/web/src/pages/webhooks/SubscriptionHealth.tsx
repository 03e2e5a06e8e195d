import { formatPercent, formatTime } from '../../format.js';
import type { HealthWindow, SubscriptionHealth } from '../../types.js';

const ms = (v: number | null) => (v === null ? '–' : `${v.toLocaleString()} ms`);

function Window({ label, w }: { label: string; w: HealthWindow }) {
  return (
    <div className="sub-health-window" data-window={label}>
      <dt>{label}</dt>
      <dd>
        {w.attempts === 0 ? (
          <span className="muted">no attempts</span>
        ) : (
          <>
            <strong data-figure="successRate">{formatPercent(w.successRate ?? 0)}</strong> ok of <span data-figure="attempts">{w.attempts.toLocaleString()}</span> · p50{' '}
            <span data-figure="p50">{ms(w.p50Ms)}</span> · p95 <span data-figure="p95">{ms(w.p95Ms)}</span>
            {w.orderingGaps > 0 && <> · {w.orderingGaps} ordering gap{w.orderingGaps === 1 ? '' : 's'}</>}
          </>
        )}
      </dd>
    </div>
  );
}

/** A subscription's health (GET /webhooks/health): the last hour and day, its backlog and last error. */
export function SubscriptionHealthFigures({ health }: { health: SubscriptionHealth | undefined }) {
  if (!health) return <p className="muted small">Health: not loaded</p>;
  const { hour, day, backlog } = health;
  const lastError = day.lastError;
  return (
    <div className="sub-health" aria-label={`Health of ${health.name}`}>
      <dl>
        <Window label="Last hour" w={hour} />
        <Window label="Last day" w={day} />
        <div className="sub-health-window" data-window="Backlog">
          <dt>Backlog</dt>
          <dd>
            <span data-figure="pending">{backlog.pending.toLocaleString()}</span> pending
            {backlog.oldestDueSeconds !== null && <> (oldest due {backlog.oldestDueSeconds} s)</>} · <span data-figure="paused">{backlog.paused.toLocaleString()}</span> paused
          </dd>
        </div>
      </dl>
      {lastError && (
        <p className="muted small sub-health-error" title={lastError.error ?? undefined}>
          Last error {formatTime(lastError.at)}: {lastError.status === null ? 'no answer' : `HTTP ${lastError.status}`}
          {lastError.error ? ` · ${lastError.error.slice(0, 200)}` : ''}
        </p>
      )}
    </div>
  );
}
