/** Levels the mesh knows (DESIGN.md envelope `level`). */
export type ClientLevel = 'debug' | 'info' | 'success' | 'warn' | 'error';

/** What a page logs; the SDK adds `sessionId`, `url` and `userAgent`, the event-store `source: client`. */
export interface ClientEvent {
  /** An event type the page's client key allows, e.g. `client.checkout_started`. */
  type: string;
  data?: unknown;
  level?: ClientLevel;
  /**
   * Show this event to the signed-in user: its audience gains `user` and, when the logger knows
   * the user (`userId`), it is filed under them (`resourceType: user`), so it reaches their feed.
   */
  showToUser?: boolean;
  /** A sentence for the end user (shown in the user feed when `audience` includes `user`). */
  userMessage?: string;
  audience?: string;
  category?: string;
  resourceType?: string;
  resourceId?: string;
}

/** One event as `POST /events/client` takes it (`showToUser` already turned into audience and resource). */
export interface WireEvent extends Omit<ClientEvent, 'showToUser'> {
  id: string;
  time: string;
  data: unknown;
  sessionId: string;
  url: string;
  userAgent: string;
}

/** The words a user sees for an error, and whether they see it at all. */
export interface UserFacing {
  showToUser?: boolean;
  userMessage?: string;
}
