/**
 * The shapes the apps answer with, imported from the servers' decorator-free view files with
 * `import type` (Vite erases them): the server's type is the only copy.
 */
import type { EventLevel } from '@app/events/views';
import type { SubscriptionView } from '../../../webhook-dispatcher/src/subscriptions/subscription.views.js';
import type { ReplayJob } from '../../../event-store/src/replay/replay-job.views.js';

export type { CloudEvent, EventLevel as Level, MeshStatus, RedriveReport, StoredDeadLetter as DeadLetter } from '@app/events/views';
export type { EventItem, EventPage, EventStats, Lang, Timeline, TypeStats } from '../../../event-store/src/query/query.views.js';
export type { ReplayJob } from '../../../event-store/src/replay/replay-job.views.js';
export type { AppHealth, ConsumerInfo, DeadLetterList, HealthBody, MeshHealth, SessionInfo } from '../../src/console.views.js';
export type { SubscriptionView as Subscription } from '../../../webhook-dispatcher/src/subscriptions/subscription.views.js';
export type { AttemptView, DeliveryView as Delivery } from '../../../webhook-dispatcher/src/deliveries/delivery-view.js';
export type { HealthWindow, SubscriptionHealthView as SubscriptionHealth } from '../../../webhook-dispatcher/src/subscription-health/subscription-health.views.js';
export type { TestWebhookResult } from '../../../webhook-dispatcher/src/test-send/test-webhook-result.js';

export const LEVELS: EventLevel[] = ['debug', 'info', 'success', 'warn', 'error'];

/** `POST /webhooks/subscriptions` answers the new subscription with its secret, shown once. */
export type SubscriptionWithSecret = SubscriptionView & { secret: string };

/** `GET /events/replay`. */
export interface ReplayJobList {
  items: ReplayJob[];
}
