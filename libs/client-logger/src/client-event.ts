/** Levels the mesh knows (DESIGN.md envelope `level`). */
export type ClientLevel = 'debug' | 'info' | 'success' | 'warn' | 'error';

/** What a page logs; the SDK adds `sessionId`, `url` and `userAgent`, the event-store `source: client`. */
export interface ClientEvent {
  /** An event type the page's client key allows, e.g. `client.checkout_started`. */
  type: string;
  data?: unknown;
  level?: ClientLevel;
  /** A sentence for the end user (shown in the user feed when `audience` includes `user`). */
  userMessage?: string;
  audience?: string;
  category?: string;
  resourceType?: string;
  resourceId?: string;
}

/** One event as `POST /events/client` takes it. */
export interface WireEvent extends ClientEvent {
  id: string;
  time: string;
  data: unknown;
  sessionId: string;
  url: string;
  userAgent: string;
}
