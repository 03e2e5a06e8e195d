import { useState } from 'react';
import { appRequest } from '../api.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Status.js';
import { UserErrorDisplay } from '../components/UserErrorDisplay.js';
import { useEventPages } from '../event-pages.js';
import { queryString } from '../query-string.js';
import type { EventItem } from '../types.js';

/** Who dismissed: stored as `resolvedBy` and the audit event's actor. */
const DISMISSED_BY = 'user-error-display';

/**
 * The demo of `UserErrorDisplay`: the unresolved errors written for users (the feed's audience
 * rule), as a product page would show them; Dismiss resolves the error in the event store.
 */
export function UserErrorsPage() {
  const [notice, setNotice] = useState<string | null>(null);
  const pages = useEventPages(() => `/events${queryString({ level: 'error', resolved: false, shownToUsers: true, limit: 20 })}`, []);
  const { list, items } = pages;
  const dismiss = async (e: EventItem) => {
    setNotice(null);
    try {
      await appRequest<EventItem>('event-store', `/events/${e.id}/resolve`, { method: 'PATCH', body: { by: DISMISSED_BY } });
      list.reload();
    } catch (err) {
      setNotice(`Could not dismiss: ${(err as Error).message}`);
    }
  };
  return (
    <section className="page">
      <p className="muted">
        What a product page shows its users: unresolved errors whose audience includes users, in the words the page gave (
        <code>showToUser</code>, <code>userMessage</code>). Dismiss resolves the error.
      </p>
      <div className="toolbar">
        <button type="button" className="btn" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {notice && (
        <Notice kind="error" onClose={() => setNotice(null)}>
          {notice}
        </Notice>
      )}
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load the errors shown to users" />}
      {!list.data && list.status === 'loading' && <Loading what="errors shown to users" />}
      {list.data && items.length === 0 && <Empty>No unresolved errors shown to users.</Empty>}
      {items.length > 0 && <UserErrorDisplay errors={items} onDismiss={dismiss} />}
    </section>
  );
}
