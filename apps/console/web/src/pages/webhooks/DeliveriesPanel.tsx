import { useState } from 'react';
import { appRequest } from '../../api.js';
import { Json } from '../../components/Json.js';
import { StatusPill } from '../../components/LevelBadge.js';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Status.js';
import { formatTime } from '../../format.js';
import { useAsync } from '../../hooks.js';
import { queryString } from '../../query-string.js';
import type { Delivery, Subscription } from '../../types.js';

interface DeliveryPage {
  items: Delivery[];
  nextCursor: string | null;
}

/** The delivery log: status, attempts (each with request and response), resend one now. */
export function DeliveriesPanel({ subscriptions }: { subscriptions: Subscription[] }) {
  const [subscriptionId, setSubscriptionId] = useState('');
  const [status, setStatus] = useState('');
  const [older, setOlder] = useState<DeliveryPage | null>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const path = (cursor?: string) => `/webhooks/deliveries${queryString({ subscriptionId, status, limit: 50, cursor })}`;
  const page = useAsync(
    (signal) => {
      setOlder(null);
      return appRequest<DeliveryPage>('webhook-dispatcher', path(), { signal });
    },
    [subscriptionId, status],
  );
  const items = [...(page.data?.items ?? []), ...(older?.items ?? [])];
  const nextCursor = older ? older.nextCursor : (page.data?.nextCursor ?? null);
  const nameOf = (id: string) => subscriptions.find((s) => s.id === id)?.name ?? id.slice(0, 8);

  const loadOlder = async () => {
    if (!nextCursor) return;
    try {
      const next = await appRequest<DeliveryPage>('webhook-dispatcher', path(nextCursor));
      setOlder((o) => ({ items: [...(o?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
    } catch (err) {
      setNotice({ kind: 'error', text: `Could not load older deliveries: ${(err as Error).message}` });
    }
  };
  const resend = async (d: Delivery) => {
    setBusy(d.id);
    setNotice(null);
    try {
      const r = await appRequest<Delivery>('webhook-dispatcher', `/webhooks/deliveries/${d.id}/retry`, { method: 'POST' });
      const last = r.attemptLog.at(-1);
      setNotice({ kind: r.status === 'succeeded' ? 'ok' : 'error', text: `Resent ${r.eventType} to ${nameOf(r.subscriptionId)}: ${last?.responseStatus ? `HTTP ${last.responseStatus}` : (last?.error ?? r.status)}.` });
      setExpanded(r.id);
      page.reload();
    } catch (err) {
      setNotice({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page">
      <div className="toolbar">
        <label>
          Subscription
          <select name="deliverySubscription" value={subscriptionId} onChange={(e) => setSubscriptionId(e.target.value)}>
            <option value="">all</option>
            {subscriptions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="deliveryStatus" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            <option value="pending">pending</option>
            <option value="succeeded">succeeded</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <button type="button" className="btn" onClick={page.reload}>
          Refresh
        </button>
      </div>
      {notice && <Notice kind={notice.kind} onClose={() => setNotice(null)}>{notice.text}</Notice>}
      {page.status === 'error' && <ErrorBox error={page.error} onRetry={page.reload} title="Could not load the delivery log" />}
      {!page.data && page.status === 'loading' && <Loading what="deliveries" />}
      {page.data && items.length === 0 && <Empty>No deliveries{subscriptionId || status ? ' match' : ' yet'}.</Empty>}
      {items.length > 0 && (
        <ul className="sub-list" aria-label="deliveries">
          {items.map((d) => (
            <li key={d.id} className="card delivery" data-delivery={d.id} data-event-id={d.eventId}>
              <div className="delivery-row">
                <StatusPill status={d.status} />
                <code>{d.eventType}</code>
                <span>→ {nameOf(d.subscriptionId)}</span>
                <span className="muted small">
                  attempt {d.attempts}/{d.maxAttempts}
                  {d.lastStatus !== null ? ` · HTTP ${d.lastStatus}` : ''}
                  {d.nextAttemptAt ? ` · next ${formatTime(d.nextAttemptAt)}` : ''} · {formatTime(d.createdAt)}
                  {d.batchId ? ` · in ${d.batchId}` : ''}
                </span>
                {d.orderingGap && (
                  <span className="health-error small" title="Given up: the next delivery of its ordering key went without it">
                    ordering gap
                  </span>
                )}
                <span className="inline-form">
                  <button type="button" className="btn btn-small" onClick={() => setExpanded(expanded === d.id ? null : d.id)} aria-expanded={expanded === d.id}>
                    {expanded === d.id ? 'Hide attempts' : 'Attempts'}
                  </button>
                  <button type="button" className="btn btn-small" disabled={busy === d.id} onClick={() => void resend(d)}>
                    {busy === d.id ? 'Sending…' : 'Resend'}
                  </button>
                </span>
              </div>
              {d.lastError && <p className="health-error">{d.lastError}</p>}
              {expanded === d.id && (
                <ol className="attempts">
                  {d.attemptLog.map((a) => (
                    <li key={a.attempt}>
                      <strong>
                        #{a.attempt} {a.responseStatus !== null ? `HTTP ${a.responseStatus}` : 'no response'}
                      </strong>{' '}
                      <span className="muted small">
                        {formatTime(a.startedAt)} · {a.durationMs} ms · {a.url}
                      </span>
                      {a.error && <p className="health-error">{a.error}</p>}
                      <details>
                        <summary>Request and response</summary>
                        <h4>Request headers</h4>
                        <Json value={a.requestHeaders} />
                        {a.responseHeaders && (
                          <>
                            <h4>Response headers</h4>
                            <Json value={a.responseHeaders} />
                          </>
                        )}
                        <h4>Response body (first 1 KB)</h4>
                        <pre className="json">{a.responseBody ?? '(empty)'}</pre>
                      </details>
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <div className="pager">
          <button type="button" className="btn" onClick={() => void loadOlder()}>
            Load older deliveries
          </button>
        </div>
      )}
    </div>
  );
}
