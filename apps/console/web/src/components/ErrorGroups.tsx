import { useState } from 'react';
import { appRequest } from '../api.js';
import { formatCount, formatTime } from '../format.js';
import type { ErrorGroup, ErrorGroupList } from '../glance-types.js';
import { useAsync } from '../hooks.js';
import { listKeys } from '../list-keys.js';
import { Empty, ErrorBox, Loading, Notice } from './Status.js';

const groupName = (g: ErrorGroup) => `${g.type}${g.message ? `: ${g.message}` : ''}`;

/**
 * Unresolved errors grouped by type and message (`GET /events/errors/groups`): how many, first and
 * last seen, the newest one to open, and "Resolve all" for the group up to its last-seen time (the
 * event store records it as `audit.error_group_resolved`).
 */
export function ErrorGroups({ onOpen }: { onOpen: (eventId: string) => void }) {
  const list = useAsync((signal) => appRequest<ErrorGroupList>('event-store', '/events/errors/groups', { signal }), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const keyOf = (g: ErrorGroup) => `${g.type}\u0000${g.message}`;

  const resolveAll = async (g: ErrorGroup) => {
    setBusy(keyOf(g));
    setNotice(null);
    try {
      const { resolved } = await appRequest<{ resolved: number }>('event-store', '/events/errors/groups/resolve', {
        method: 'POST',
        body: { type: g.type, message: g.message, until: g.lastSeen, by: 'console' },
      });
      setNotice({ kind: 'ok', text: `Resolved ${formatCount(resolved)} error${resolved === 1 ? '' : 's'} of ${groupName(g)}.` });
      list.reload();
    } catch (err) {
      setNotice({ kind: 'error', text: `Could not resolve ${groupName(g)}: ${(err as Error).message}` });
    } finally {
      setBusy(null);
      setConfirm(null);
    }
  };

  const groups = list.data?.groups ?? [];
  return (
    <>
      {notice && <Notice kind={notice.kind} onClose={() => setNotice(null)}>{notice.text}</Notice>}
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load the error groups" />}
      {!list.data && list.status === 'loading' && <Loading what="error groups" />}
      {list.data && groups.length === 0 && <Empty>No unresolved errors. All clear.</Empty>}
      {list.data?.truncated && <p className="muted">The 200 most recent groups are shown; resolve some to see older ones.</p>}
      <ul className="group-list" aria-label="error groups" onKeyDown={listKeys}>
        {groups.map((g) => {
          const key = keyOf(g);
          return (
            <li key={key} className="card group-row" data-row tabIndex={0} data-group-type={g.type} aria-label={`${formatCount(g.count)} × ${groupName(g)}`}>
              <div>
                <div className="group-title">
                  <span className="group-count">{formatCount(g.count)}×</span>
                  <code>{g.type}</code>
                </div>
                <p className="group-message">{g.message || <span className="muted">(no message)</span>}</p>
                <p className="muted small">
                  first seen {formatTime(g.firstSeen)} · last seen {formatTime(g.lastSeen)}
                </p>
              </div>
              <div className="group-actions">
                <button type="button" className="btn btn-small" onClick={() => onOpen(g.latestId)}>
                  Open latest
                </button>
                {confirm === key ? (
                  <>
                    <button type="button" className="btn btn-small btn-primary" disabled={busy === key} onClick={() => void resolveAll(g)}>
                      {busy === key ? 'Resolving…' : `Resolve these ${formatCount(g.count)}`}
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => setConfirm(null)}>
                      Keep them
                    </button>
                  </>
                ) : (
                  <button type="button" className="btn btn-small" onClick={() => setConfirm(key)}>
                    Resolve all in this group…
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
