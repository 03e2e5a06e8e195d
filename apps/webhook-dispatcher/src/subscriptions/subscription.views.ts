/** A subscription as the API shows it, decorator-free: the console's browser code imports it with `import type`. */

import type { EventFilter } from '../matching/event-filter.js';
import type { OAuth2CredentialsView } from '../oauth2/oauth2-credentials.js';
import type { BatchConfig } from '../batch/batch-config.js';

/** A subscription as the API shows it: never its secrets. */
export interface SubscriptionView {
  id: string;
  name: string;
  url: string;
  eventTypes: string[];
  filter: EventFilter | null;
  active: boolean;
  timeoutMs: number;
  maxAttempts: number;
  rateLimitPerSecond: number | null;
  /** Names as set, each value shown as REDACTED_HEADER (they are often credentials). */
  headers: Record<string, string>;
  description: string | null;
  /** OAuth2 client credentials, the client secret shown as `<redacted>`; null when requests carry no token. */
  oauth2: OAuth2CredentialsView | null;
  /** `none` (parallel) or `fifo`: in order per `orderingKey` value. */
  ordering: 'none' | 'fifo';
  /** Dot path into the envelope keying the order; null: one order for the whole subscription. */
  orderingKey: string | null;
  /** Batched delivery `{ maxEvents, maxWaitMs }`; null: one event per request. */
  batch: BatchConfig | null;
  consecutiveFailures: number;
  disabledReason: string | null;
  disabledAt: string | null;
  /** Until when the previous secret still signs (after a rotation). */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Deliveries not settled yet (`pending`, and `paused` ones that wait while it is disabled);
   * only on `GET /webhooks/subscriptions/:id` and PATCH answers.
   */
  waitingDeliveries?: number;
}
