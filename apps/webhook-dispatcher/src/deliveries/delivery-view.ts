import type { DeliveryStatus } from '../delivery/delivery.types.js';

export interface AttemptView {
  attempt: number;
  deliveryId: string;
  eventId: string;
  subscriptionId: string;
  url: string;
  /** Signature shown as `v1,<redacted>`, credential headers as `<redacted>`. */
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  /** The first 1 KB. */
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  startedAt: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  /** When the next attempt is due (pending deliveries only). */
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  /** The batch it was sent in (its requests' `webhook-id`); null when sent on its own. */
  batchId: string | null;
  /**
   * A fifo delivery given up (no attempts left): the next of its key went without it, and
   * `webhook.ordering_gap` was published. False for every other delivery.
   */
  orderingGap: boolean;
  /** Every attempt, oldest first. */
  attemptLog: AttemptView[];
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  subscription_id: string;
  status: DeliveryStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
  batch_id: string | null;
  ordering_key: string | null;
}

export interface AttemptRow {
  delivery_id: string;
  event_id: string;
  subscription_id: string;
  attempt: number;
  url: string;
  request_headers: Record<string, string>;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  duration_ms: number;
  error: string | null;
  started_at: Date;
}

export const toAttemptView = (a: AttemptRow): AttemptView => ({
  attempt: a.attempt,
  deliveryId: a.delivery_id,
  eventId: a.event_id,
  subscriptionId: a.subscription_id,
  url: a.url,
  requestHeaders: a.request_headers,
  responseStatus: a.response_status,
  responseHeaders: a.response_headers,
  responseBody: a.response_body,
  durationMs: a.duration_ms,
  error: a.error,
  startedAt: a.started_at.toISOString(),
});

export const toDeliveryView = (d: DeliveryRow, attempts: AttemptRow[]): DeliveryView => ({
  id: d.id,
  eventId: d.event_id,
  eventType: d.event_type,
  subscriptionId: d.subscription_id,
  status: d.status,
  attempts: d.attempts,
  maxAttempts: d.max_attempts,
  nextAttemptAt: d.status === 'pending' ? d.next_attempt_at.toISOString() : null,
  lastStatus: d.last_status,
  lastError: d.last_error,
  createdAt: d.created_at.toISOString(),
  updatedAt: d.updated_at.toISOString(),
  deliveredAt: d.delivered_at?.toISOString() ?? null,
  batchId: d.batch_id,
  orderingGap: d.ordering_key !== null && d.status === 'failed',
  attemptLog: attempts.map(toAttemptView),
});
