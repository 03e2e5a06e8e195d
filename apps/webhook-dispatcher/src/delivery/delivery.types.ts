import type { OAuth2Credentials } from '../oauth2/oauth2-credentials.js';

/** `paused`: waiting for its disabled subscription to be re-enabled (then `pending`, or dropped as `failed`). */
export const DELIVERY_STATUSES = ['pending', 'paused', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A delivery a worker holds the lease of, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  /** Attempts made before this one. */
  attempts: number;
  maxAttempts: number;
  body: string;
  url: string;
  timeoutMs: number;
  headers: Record<string, string>;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  /** Client credentials: each request carries a bearer token fetched with them. */
  oauth2: OAuth2Credentials | null;
  /** Its fifo ordering key; null when its subscription delivers unordered. */
  orderingKey: string | null;
  /**
   * The lease this claim wrote (`leased_until` as PostgreSQL keeps it, to the microsecond): its
   * outcome or release applies only while the row still carries it, so a statement that reaches
   * PostgreSQL after the lease was taken over (its process stalled, or was killed with it in flight)
   * changes nothing.
   */
  lease: string;
}

/** One line of the attempt log. */
export interface AttemptRecord {
  deliveryId: string;
  eventId: string;
  subscriptionId: string;
  attempt: number;
  url: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  startedAt: Date;
}

/** What the subscription learns from an attempt: a success resets its failure count, 410 Gone disables it. */
export type SubscriptionEffect = 'success' | 'failure' | 'gone';

export interface DeliveryOutcome {
  delivery: ClaimedDelivery;
  attempt: AttemptRecord;
  status: DeliveryStatus;
  /** Delay of the next attempt when status stays `pending`. */
  retryInMs: number | null;
  lastError: string | null;
  effect: SubscriptionEffect;
  /** false: another outcome of the same request counts toward the subscription's failures (a batch's other members). */
  tallied?: boolean;
}
