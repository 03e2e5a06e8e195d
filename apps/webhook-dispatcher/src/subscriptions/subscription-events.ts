import type { EntityManager } from 'typeorm';
import type { EventsService } from '@app/events';

export type DisableReason = 'consecutive_failures' | 'gone' | 'manual';

/** Data of `webhook.subscription_disabled`. */
export interface SubscriptionDisabledData {
  subscriptionId: string;
  name: string;
  /** Without query string (it may carry tokens). */
  url: string;
  reason: DisableReason;
  message: string;
  consecutiveFailures: number;
}

export const SUBSCRIPTION_DISABLED = 'webhook.subscription_disabled';

export const withoutQuery = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
};

/** Publishes `webhook.subscription_disabled` inside the transaction that disabled it (through the outbox). */
export function publishDisabled(events: EventsService, m: EntityManager, data: SubscriptionDisabledData) {
  return events.publishInTransaction(m, SUBSCRIPTION_DISABLED, data, {
    subject: data.subscriptionId,
    resourceType: 'webhook_subscription',
    level: 'warn',
    audience: 'admin',
    category: 'Notification',
  });
}

/** Data of `webhook.subscription_enabled`. */
export interface SubscriptionEnabledData {
  subscriptionId: string;
  name: string;
  /** Without query string (it may carry tokens). */
  url: string;
  /** `probe`: a signed `webhook.ping` was answered 2xx. */
  reason: 'probe';
  /** Probes it took. */
  probes: number;
}

export const SUBSCRIPTION_ENABLED = 'webhook.subscription_enabled';

/** Publishes `webhook.subscription_enabled` inside the transaction that re-enabled it (through the outbox). */
export function publishEnabled(events: EventsService, m: EntityManager, data: SubscriptionEnabledData) {
  return events.publishInTransaction(m, SUBSCRIPTION_ENABLED, data, { subject: data.subscriptionId, resourceType: 'webhook_subscription', audience: 'admin', category: 'Notification' });
}
