import type { Subscription } from './subscription.entity.js';
import type { SubscriptionView } from './subscription.views.js';
import { toOAuth2View } from '../oauth2/oauth2-credentials.js';
export type { SubscriptionView } from './subscription.views.js';

/**
 * What every answer shows for a custom header's value; sent back in a PATCH, it keeps the stored
 * value, so a client can edit the other headers without knowing them.
 */
export const REDACTED_HEADER = '<redacted>';

/** The stored headers after a PATCH of `given`: a value of REDACTED_HEADER keeps the stored one. */
export function mergeHeaders(stored: Record<string, string>, given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(given).map(([name, value]) => [name, value === REDACTED_HEADER && name in stored ? stored[name] : value]));
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
    headers: Object.fromEntries(Object.keys(s.headers).map((name) => [name, REDACTED_HEADER])),
    description: s.description,
    oauth2: toOAuth2View(s.oauth2),
    ordering: s.ordering,
    orderingKey: s.orderingKey,
    batch: s.batch,
    consecutiveFailures: s.consecutiveFailures,
    disabledReason: s.disabledReason,
    disabledAt: s.disabledAt?.toISOString() ?? null,
    previousSecretExpiresAt: graceLeft ? s.previousSecretExpiresAt!.toISOString() : null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
