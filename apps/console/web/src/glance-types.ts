/** Shapes of the event-store answers the Overview and the grouped Errors read (kept apart from types.ts, which mirrors the older routes). */

/** `GET /events/rate?minutes=`: events and errors per minute, every minute present. */
export interface EventRate {
  from: string;
  to: string;
  total: number;
  errors: number;
  errorRate: number;
  minutes: { minute: string; count: number; errors: number }[];
}

/** One row of `GET /events/errors/groups`: unresolved errors of one type and message. */
export interface ErrorGroup {
  type: string;
  message: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  latestId: string;
}

export interface ErrorGroupList {
  groups: ErrorGroup[];
  truncated: boolean;
}
