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

  keep(events: WireEvent[]): void {
    try {
      const all = [...pendingStore.take(), ...events].slice(-MAX_PENDING);
      localStorage.setItem(STORAGE_KEY, JSON.stringify(all));
    } catch {
      // Storage full or refused: these events are lost with the page, as they would be without it.
    }
  },
};
