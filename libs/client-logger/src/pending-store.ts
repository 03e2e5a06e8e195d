import type { WireEvent } from './client-event.js';

const STORAGE_KEY = 'mesh.clientLogger.pending';
/** Most events kept while the ingest cannot be reached; the oldest go first past it. */
export const MAX_PENDING = 500;

/** Batches that could not be sent, kept in localStorage so a reload (or the next page) sends them. */
export const pendingStore = {
  take(): WireEvent[] {
    try {
      const text = localStorage.getItem(STORAGE_KEY);
      localStorage.removeItem(STORAGE_KEY);
      return text ? (JSON.parse(text) as WireEvent[]) : [];
    } catch {
      return [];
    }
  },

  /** Adds `events` after those kept; returns how many events were dropped (the oldest past MAX_PENDING, or all when storage refused). */
  keep(events: WireEvent[]): number {
    const all = [...pendingStore.take(), ...events];
    const kept = all.slice(-MAX_PENDING);
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(kept));
      return all.length - kept.length;
    } catch {
      // Storage full or refused: these events are lost with the page, as they would be without it.
      return all.length;
    }
  },
};
