import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ClaimedDelivery } from '../delivery/delivery.types.js';
import type { BatchConfig } from './batch-config.js';

/** A claimed batch: its id (the `webhook-id` of every attempt) and its deliveries, oldest first. */
export interface ClaimedBatch {
  id: string;
  deliveries: ClaimedDelivery[];
}

/** Nothing to send yet: the open batch is not full, and its oldest event may wait this much longer. */
export interface BatchWait {
  waitMs: number;
}

const COLUMNS = `d.id, d.event_id AS "eventId", d.event_type AS "eventType", d.subscription_id AS "subscriptionId", d.attempts,
  d.max_attempts AS "maxAttempts", e.body, s.url, s.timeout_ms AS "timeoutMs", s.headers, s.secret, s.previous_secret AS "previousSecret",
  s.previous_secret_expires_at AS "previousSecretExpiresAt", s.oauth2, d.ordering_key AS "orderingKey", d.leased_until::text AS lease`;

/** Same lease as a single delivery's (see DeliveryRepository): the request's timeout (four with OAuth2) plus the margin. */
const LEASE = `now() + (s.timeout_ms * (CASE WHEN s.oauth2 IS NULL THEN 1 ELSE 4 END) + $2) * interval '1 millisecond'`;
const FREE = `d.status = 'pending' AND (d.leased_until IS NULL OR d.leased_until < now())`;
const DUE = `${FREE} AND d.next_attempt_at <= now()`;

/**
 * The SQL of batched delivery. A batch is formed once (its rows get a `batch_id`) and keeps its
 * members and id through its retries, so a receiver deduping on `webhook-id` sees one batch.
 * Claims of one subscription are serialised across replicas by a transaction-scoped advisory lock
 * (taken with try: a replica that does not get it leaves the subscription to the one that did), so
 * two replicas never split or double a batch.
 */
@Injectable()
export class BatchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Active batch subscriptions with deliveries due now. */
  dueSubscriptions(): Promise<{ id: string; batch: BatchConfig }[]> {
    return this.dataSource.query(
      `SELECT s.id, s.batch FROM webhook_subscriptions s
       WHERE s.active AND s.batch IS NOT NULL AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.subscription_id = s.id AND ${DUE})`,
    );
  }

  /**
   * The next batch of a subscription: first a batch formed before and due again (a retry), whole;
   * else up to `maxEvents` due deliveries that belong to no batch, oldest first, as a new batch,
   * once there are `maxEvents` of them or the oldest has waited `maxWaitMs`. Undefined when there
   * is nothing (or another replica is claiming this subscription's batch right now).
   */
  claim(subscriptionId: string, batch: BatchConfig, leaseMarginMs: number): Promise<ClaimedBatch | BatchWait | undefined> {
    return this.dataSource.transaction(async (m) => {
      const [lock] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 24)) AS ok`, [`webhook-batch:${subscriptionId}`]);
      if (!(lock as { ok: boolean }).ok) return undefined;
      const [again] = await m.query(
        `SELECT d.batch_id FROM webhook_deliveries d WHERE d.subscription_id = $1 AND d.batch_id IS NOT NULL AND ${DUE}
         ORDER BY d.next_attempt_at LIMIT 1`,
        [subscriptionId],
      );
      let batchId: string;
      if (again) {
        batchId = (again as { batch_id: string }).batch_id;
      } else {
        const [open] = await m.query(
          `SELECT count(*)::int AS n, COALESCE(EXTRACT(EPOCH FROM now() - min(x.next_attempt_at)) * 1000, 0)::float8 AS waited_ms
           FROM (SELECT d.next_attempt_at FROM webhook_deliveries d WHERE d.subscription_id = $1 AND d.batch_id IS NULL AND ${DUE} LIMIT $2) x`,
          [subscriptionId, batch.maxEvents],
        );
        const { n, waited_ms } = open as { n: number; waited_ms: number };
        if (n === 0) return undefined;
        if (n < batch.maxEvents && waited_ms < batch.maxWaitMs) return { waitMs: Math.ceil(batch.maxWaitMs - waited_ms) };
        batchId = `batch_${randomUUID()}`;
        await m.query(
          `UPDATE webhook_deliveries SET batch_id = $2 WHERE id IN (
             SELECT d.id FROM webhook_deliveries d WHERE d.subscription_id = $1 AND d.batch_id IS NULL AND ${DUE}
             ORDER BY d.next_attempt_at, d.id LIMIT $3)`,
          [subscriptionId, batchId, batch.maxEvents],
        );
      }
      // Every unsettled member goes, whatever its own schedule: one sent alone by a manual retry may be due later.
      const deliveries: ClaimedDelivery[] = await m.query(
        `WITH claimed AS (
           UPDATE webhook_deliveries d SET leased_until = ${LEASE}
           FROM webhook_subscriptions s, webhook_events e
           WHERE d.batch_id = $1 AND ${FREE} AND s.id = d.subscription_id AND s.active AND e.id = d.event_id
           RETURNING ${COLUMNS}, d.next_attempt_at, d.created_at)
         SELECT id, "eventId", "eventType", "subscriptionId", attempts, "maxAttempts", body, url, "timeoutMs", headers, secret,
           "previousSecret", "previousSecretExpiresAt", oauth2, "orderingKey", lease
         FROM claimed ORDER BY created_at, id`,
        [batchId, leaseMarginMs],
      );
      return deliveries.length === 0 ? undefined : { id: batchId, deliveries };
    });
  }
}
