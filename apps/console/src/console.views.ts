/** The console API's answers, decorator-free: its browser code imports them with `import type`. */

import type { StoredDeadLetter } from '@app/events/views';

export interface SessionInfo {
  /** False when the mesh runs without ADMIN_API_KEY: pages are open and admin actions are refused by the apps. */
  adminKeyConfigured: boolean;
  apps: string[];
}

export interface AppHealth {
  name: string;
  url: string;
  /** up: 200; down: the app answered 503 (or another status); unreachable: no answer at all. */
  status: 'up' | 'down' | 'unreachable';
  httpStatus: number | null;
  /** The app's `/health/events` body as it answered (terminus form plus service, failedEventsCount). */
  health: HealthBody | null;
  error: string | null;
  latencyMs: number;
}

/** An app's `GET /health/events` body: terminus' form plus the mesh's `service` and `failedEventsCount`. */
export interface HealthBody {
  status?: string;
  service?: string;
  failedEventsCount?: number | null;
  details?: Record<string, Record<string, unknown> & { status?: string; message?: string }>;
}

export interface MeshHealth {
  checkedAt: string;
  apps: AppHealth[];
}

export interface ConsumerInfo {
  /** The consumer app's durable name on EVENTS (`event-store`): what replay and redrive address. */
  name: string;
  numPending: number;
  numAckPending: number;
  redelivered: number;
  /** The app also runs `<name>-replay`, so replays reach it. */
  replayable: boolean;
}

export interface DeadLetterList {
  /** Dead letters per consumer app over the whole DLQ. */
  depth: Record<string, number>;
  /** How many match the filter (the list holds the newest `limit` of them). */
  total: number;
  items: StoredDeadLetter[];
}
