import { useState } from 'react';
import { useAsync, useInterval, type AsyncState } from '../../hooks.js';
import { appRequest } from '../../api.js';
import { StatusPill } from '../../components/LevelBadge.js';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Status.js';
import { formatTime } from '../../format.js';
import type { Subscription, SubscriptionHealth, SubscriptionWithSecret } from '../../types.js';
import { SubscriptionHealthFigures } from './SubscriptionHealth.js';
import { SubscriptionForm } from './SubscriptionForm.js';

const API = '/webhooks/subscriptions';
const call = <T,>(path: string, method: 'POST' | 'PATCH' | 'DELETE', body?: unknown) => appRequest<T>('webhook-dispatcher', path, { method, body });

/** A secret the dispatcher returns once (creation, rotation): shown until dismissed, never again. */
function SecretOnce({ secret, onClose }: { secret: { name: string; value: string; note: string }; onClose: () => void }) {
  return (
    <div className="secret" role="status" aria-label="New signing secret">
      <strong>Signing secret of {secret.name}: copy it now, it is not shown again.</strong>
      <code data-testid="secret">{secret.value}</code>
      <span className="muted small">{secret.note}</span>
      <span className="inline-form">
        <button type="button" className="btn btn-small" onClick={() => void navigator.clipboard?.writeText(secret.value)}>
          Copy
        </button>
        <button type="button" className="btn btn-small" onClick={onClose}>
          I have stored it
        </button>
      </span>
    </div>
  );
}

export function SubscriptionsPanel({ list }: { list: AsyncState<{ items: Subscription[] }> & { reload: () => void } }) {
  const [editing, setEditing] = useState<Subscription | 'new' | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string; note: string } | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  // Health of every subscription in one call, refreshed with the list and every 15 s.
  const health = useAsync((signal) => appRequest<{ items: SubscriptionHealth[] }>('webhook-dispatcher', '/webhooks/health', { signal }), [list.data]);
  useInterval(health.reload, 15_000);
  const healthOf = new Map((health.data?.items ?? []).map((h) => [h.subscriptionId, h]));

  const act = async (what: () => Promise<string>) => {
    setNotice(null);
    try {
      setNotice({ kind: 'ok', text: await what() });
      list.reload();
    } catch (err) {
      setNotice({ kind: 'error', text: (err as Error).message });
    }
  };
  const create = async (body: Record<string, unknown>) => {
    const s = await call<SubscriptionWithSecret>(API, 'POST', body);
    setSecret({ name: s.name, value: s.secret, note: 'Receivers verify the webhook-signature header with it (Standard Webhooks).' });
    setEditing(null);
    setNotice({ kind: 'ok', text: `Created ${s.name}.` });
    list.reload();
  };
  const update = async (s: Subscription, body: Record<string, unknown>) => {
    await call<Subscription>(`${API}/${s.id}`, 'PATCH', body);
    setEditing(null);
    setNotice({ kind: 'ok', text: `Saved ${s.name}.` });
    list.reload();
  };
  const rotate = (s: Subscription) =>
    act(async () => {
      const r = await call<SubscriptionWithSecret>(`${API}/${s.id}/rotate-secret`, 'POST', {});
      const until = r.previousSecretExpiresAt ? `The old secret still signs until ${formatTime(r.previousSecretExpiresAt)}, so receivers can switch.` : 'The old secret no longer signs.';
      setSecret({ name: s.name, value: r.secret, note: until });
      return `Rotated the secret of ${s.name}.`;
    });
  const toggle = (s: Subscription) =>
    act(async () => {
      await call<Subscription>(`${API}/${s.id}`, 'PATCH', { active: !s.active });
      return `${s.name} ${s.active ? 'disabled' : 'enabled'}.`;
    });
  const remove = (s: Subscription) =>
    act(async () => {
      await call<void>(`${API}/${s.id}`, 'DELETE');
      setConfirmDelete(null);
      return `Deleted ${s.name} and its delivery log.`;
    });

  const items = list.data?.items ?? [];
  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={editing !== null}>
          New subscription
        </button>
        <button type="button" className="btn" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {secret && <SecretOnce secret={secret} onClose={() => setSecret(null)} />}
      {notice && <Notice kind={notice.kind} onClose={() => setNotice(null)}>{notice.text}</Notice>}
      {editing === 'new' && <SubscriptionForm onSave={create} onCancel={() => setEditing(null)} />}
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load the subscriptions" />}
      {!list.data && list.status === 'loading' && <Loading what="subscriptions" />}
      {list.data && items.length === 0 && <Empty>No subscriptions yet. Create one to have events delivered to an endpoint.</Empty>}
      <ul className="sub-list" aria-label="subscriptions">
        {items.map((s) =>
          editing !== 'new' && editing?.id === s.id ? (
            <li key={s.id}>
              <SubscriptionForm subscription={s} onSave={(body) => update(s, body)} onCancel={() => setEditing(null)} />
            </li>
          ) : (
            <li key={s.id} className="card sub-card" data-subscription={s.name}>
              <header>
                <h3>{s.name}</h3>
                <StatusPill status={s.active ? 'active' : 'disabled'} />
              </header>
              <p className="sub-url clamp" title={s.url.slice(0, 2000)}>
                <code>{s.url}</code>
              </p>
              <p className="muted small clamp" title={s.eventTypes.join(', ').slice(0, 2000)}>
                {s.eventTypes.join(', ')} · timeout {s.timeoutMs} ms · {s.maxAttempts} attempts{s.rateLimitPerSecond ? ` · ≤ ${s.rateLimitPerSecond}/s` : ''}
                {s.ordering === 'fifo' ? ` · in order${s.orderingKey ? ` per ${s.orderingKey}` : ''}` : ''}
                {s.batch ? ` · batches of ≤ ${s.batch.maxEvents} (≤ ${s.batch.maxWaitMs} ms wait)` : ''}
                {s.consecutiveFailures > 0 ? ` · ${s.consecutiveFailures} failures in a row` : ''}
              </p>
              {health.status === 'error' ? <p className="health-error">Health not available: {health.error.message}</p> : <SubscriptionHealthFigures health={healthOf.get(s.id)} />}
              {s.disabledReason && <p className="health-error">Disabled: {s.disabledReason}</p>}
              {s.previousSecretExpiresAt && <p className="muted small">Previous secret valid until {formatTime(s.previousSecretExpiresAt)}</p>}
              <div className="inline-form">
                <button type="button" className="btn btn-small" onClick={() => setEditing(s)}>
                  Edit
                </button>
                <button type="button" className="btn btn-small" onClick={() => void toggle(s)}>
                  {s.active ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className="btn btn-small" onClick={() => void rotate(s)}>
                  Rotate secret
                </button>
                {confirmDelete === s.id ? (
                  <>
                    <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(s)}>
                      Delete {s.name} for good
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => setConfirmDelete(null)}>
                      Keep it
                    </button>
                  </>
                ) : (
                  <button type="button" className="btn btn-small btn-danger" onClick={() => setConfirmDelete(s.id)}>
                    Delete…
                  </button>
                )}
              </div>
            </li>
          ),
        )}
      </ul>
    </div>
  );
}
