/**
 * Answers of `GET /events/rate` and `GET /events/errors/groups`. Plain types without imports, so
 * the console's page (apps/console/web) imports them as they are instead of keeping a copy.
 */

/** `GET /events/rate?minutes=`: events and errors per minute, every minute present. */
export interface EventRate {
  from: string;
  to: string;
  total: number;
  errors: number;
  /** Share of the window's events at level `error`, 0–1 (0 when there are none). */
  errorRate: number;
  /** Every minute of the window, oldest first; a minute without events counts 0. */
  minutes: { minute: string; count: number; errors: number }[];
}

/** One group of `GET /events/errors/groups`: unresolved errors of one type and message. */
export interface ErrorGroup {
  type: string;
  message: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The newest event of the group, to open it. */
  latestId: string;
}

export interface ErrorGroupList {
  groups: ErrorGroup[];
  /** More groups than the 200 listed. */
  truncated: boolean;
}
