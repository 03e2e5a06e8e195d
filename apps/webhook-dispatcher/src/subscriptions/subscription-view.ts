import type { EventFilter } from '../matching/event-filter.js';
import type { Subscription } from './subscription.entity.js';

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
  headers: Record<string, string>;
  description: string | null;
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

/** `*` is stored as NATS's `>`; the API gives it back as written. */
const shownPattern = (p: string) => (p === '>' ? '*' : p);

export function toSubscriptionView(s: Subscription, now = new Date()): SubscriptionView {
  const graceLeft = s.previousSecret && s.previousSecretExpiresAt && s.previousSecretExpiresAt > now;
  return {
    id: s.id,
    name: s.name,
    url: s.url,
    eventTypes: s.eventTypes.map(shownPattern),
    filter: s.filter,
    active: s.active,
    timeoutMs: s.timeoutMs,
    maxAttempts: s.maxAttempts,
    rateLimitPerSecond: s.rateLimitPerSecond,
    headers: s.headers,
    description: s.description,
    consecutiveFailures: s.consecutiveFailures,
    disabledReason: s.disabledReason,
    disabledAt: s.disabledAt?.toISOString() ?? null,
    previousSecretExpiresAt: graceLeft ? s.previousSecretExpiresAt!.toISOString() : null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
