import { CreateWebhooks1736000000000 } from './1736000000000-create-webhooks.js';
import { DeliveryLeases1736000000001 } from './1736000000001-delivery-leases.js';
import { PausedDeliveries1736000000002 } from './1736000000002-paused-deliveries.js';
import { ReenableProbe1736000000003 } from './1736000000003-reenable-probe.js';
import { SubscriptionOAuth21765001000000 } from './1765001000000-subscription-oauth2.js';
import { FifoOrdering1765001000001 } from './1765001000001-fifo-ordering.js';
import { BatchesGapsHealth1765001000002 } from './1765001000002-batches-gaps-health.js';
import { DueOrderIndex1765003000000 } from './1765003000000-due-order-index.js';

/** The dispatcher's migrations in the order they run; a new one is added here only. */
export const WEBHOOK_MIGRATIONS = [
  CreateWebhooks1736000000000,
  DeliveryLeases1736000000001,
  PausedDeliveries1736000000002,
  ReenableProbe1736000000003,
  SubscriptionOAuth21765001000000,
  FifoOrdering1765001000001,
  BatchesGapsHealth1765001000002,
  DueOrderIndex1765003000000,
];
