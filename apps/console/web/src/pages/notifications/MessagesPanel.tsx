import { useState } from 'react';
import { appRequest } from '../../api.js';
import { StatusPill } from '../../components/LevelBadge.js';
import { Empty, ErrorBox, Loading } from '../../components/Status.js';
import { formatTime } from '../../format.js';
import { useAsync, useInterval } from '../../hooks.js';
import { NOTIFIER, type NotificationChannel, type RecentMessagePage } from '../../notification-types.js';
import { queryString } from '../../query-string.js';

const STATUSES: Record<NotificationChannel, string[]> = {
  sms: ['sending', 'retrying', 'sent', 'delivered', 'undelivered', 'failed', 'suppressed'],
  email: ['sending', 'retrying', 'sent', 'failed', 'suppressed'],
};

/** The newest SMS or emails with their outcome (`GET /notifications/recent`, recipients masked by the sms-notifier), read again every 5 s. */
export function MessagesPanel() {
  const [channel, setChannel] = useState<NotificationChannel>('sms');
  const [status, setStatus] = useState('');
  const page = useAsync((signal) => appRequest<RecentMessagePage>(NOTIFIER, `/notifications/recent${queryString({ channel, status, limit: 100 })}`, { signal }), [channel, status]);
  useInterval(page.reload, 5_000);
  const items = page.data?.items ?? [];

  return (
    <div className="page">
      <div className="toolbar">
        <div className="segmented" role="tablist" aria-label="Channel">
          {(['sms', 'email'] as const).map((c) => (
            <button
              key={c}
              type="button"
              role="tab"
              aria-selected={channel === c}
              className={`btn${channel === c ? ' active' : ''}`}
              onClick={() => {
                setChannel(c);
                setStatus('');
              }}
            >
              {c === 'sms' ? 'SMS' : 'Email'}
            </button>
          ))}
        </div>
        <label>
          Status
          <select name="messageStatus" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {STATUSES[channel].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={page.reload}>
          Refresh
        </button>
      </div>
      {page.status === 'error' && <ErrorBox error={page.error} onRetry={page.reload} title="Could not load the messages" />}
      {!page.data && page.status === 'loading' && <Loading what="messages" />}
      {page.data && items.length === 0 && <Empty>No {channel === 'sms' ? 'SMS' : 'emails'}{status ? ` ${status}` : ''} yet. A rule on this channel sends one when its event arrives.</Empty>}
      {items.length > 0 && (
        <ul className="sub-list" aria-label={`${channel} messages`}>
          {items.map((m) => (
            <li key={m.id} className="card message-card" data-message={m.id} data-event-id={m.eventId} data-status={m.status}>
              <div className="delivery-row">
                <StatusPill status={m.status} />
                <span className="message-to" dir="ltr">
                  {m.to}
                </span>
                <code>{m.eventType}</code>
                <span className="muted small">
                  {m.templateKey}
                  {m.locale ? ` (${m.locale})` : ''}
                  {m.provider ? ` · via ${m.provider}` : ''}
                  {m.segments !== null ? ` · ${m.encoding} ${m.segments} ${m.segments === 1 ? 'segment' : 'segments'}` : ''}
                  {m.attempts > 1 ? ` · ${m.attempts} attempts` : ''} · {formatTime(m.sentAt ?? m.createdAt)}
                </span>
              </div>
              {(m.reason || m.providerStatus) && (
                <p className={m.status === 'failed' || m.status === 'undelivered' ? 'health-error' : 'muted small'}>
                  {m.reason ? `Reason: ${m.reason}` : ''}
                  {m.reason && m.providerStatus ? ' · ' : ''}
                  {m.providerStatus ? `Provider status: ${m.providerStatus}` : ''}
                  {m.providerError ? ` · ${m.providerError}` : ''}
                </p>
              )}
              {m.subject && (
                <p className="clamp" dir="auto">
                  <strong>{m.subject}</strong>
                </p>
              )}
              {m.text && (
                <p className="message-text muted small clamp" dir="auto">
                  {m.text}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
