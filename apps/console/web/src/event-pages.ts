import { useState } from 'react';
import { appRequest } from './api.js';
import { useAsync } from './hooks.js';
import type { EventPage } from './types.js';

/**
 * A page of the event store's `GET /events` (or `/events/audit`): the first page (reloaded when `deps` change) and the
 * older pages a "Load older" button appended, through the keyset cursor.
 * @example const pages = useEventPages((cursor) => `/events${queryString({ level: 'error', cursor })}`, [resolved]);
 */
export function useEventPages(path: (cursor?: string) => string, deps: unknown[]) {
  const [older, setOlder] = useState<EventPage | null>(null);
  const list = useAsync((signal) => {
    setOlder(null);
    return appRequest<EventPage>('event-store', path(), { signal });
  }, deps);
  const items = [...(list.data?.items ?? []), ...(older?.items ?? [])];
  const nextCursor = older ? older.nextCursor : (list.data?.nextCursor ?? null);
  /** Appends the next older page; rejects with the store's message. */
  const loadOlder = async () => {
    if (!nextCursor) return;
    const next = await appRequest<EventPage>('event-store', path(nextCursor));
    setOlder((o) => ({ items: [...(o?.items ?? []), ...next.items], nextCursor: next.nextCursor, limit: next.limit }));
  };
  return { list, items, nextCursor, loadOlder };
}
