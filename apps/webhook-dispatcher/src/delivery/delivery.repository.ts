import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryResultRow } from 'pg';
import { pgPoolOf } from '@app/events';
import type { OAuth2Credentials } from '../oauth2/oauth2-credentials.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryOutcome } from './delivery.types.js';

/** The channel a commit of new or re-queued deliveries notifies, so idle workers in every instance wake. */
export const DELIVERIES_CHANNEL = 'webhook_deliveries';

interface ClaimedRow {
  id: string;
  event_id: string;
  event_type: string;
  subscription_id: string;
  attempts: number;
  max_attempts: number;
  body: string;
  url: string;
  timeout_ms: number;
  headers: Record<string, string>;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  oauth2: OAuth2Credentials | null;
  ordering_key: string | null;
  lease: string;
}

const toClaimed = (r: ClaimedRow): ClaimedDelivery => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  subscriptionId: r.subscription_id,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  body: r.body,
  url: r.url,
  timeoutMs: r.timeout_ms,
  headers: r.headers,
  secret: r.secret,
  previousSecret: r.previous_secret,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  oauth2: r.oauth2,
  orderingKey: r.ordering_key,
  lease: r.lease,
});

const CLAIMED_COLUMNS = `d.id, d.event_id, d.event_type, d.subscription_id, d.attempts, d.max_attempts, e.body,
  s.url, s.timeout_ms, s.headers, s.secret, s.previous_secret, s.previous_secret_expires_at, s.oauth2, d.ordering_key, d.leased_until::text AS lease`;

/**
 * A lease covers the request's timeout plus a margin; the SQL computes it from the subscription's
 * timeout. With OAuth2 an attempt makes up to four requests, each bounded by it: a token, the
 * request, and after a 401 a new token and the request again.
 */
const LEASE = `now() + (s.timeout_ms * (CASE WHEN s.oauth2 IS NULL THEN 1 ELSE 4 END) + $LEASE_MARGIN) * interval '1 millisecond'`;

/** Due-ness: scheduled time reached and no live lease. */
const DUE = `d.status = 'pending' AND d.next_attempt_at <= now() AND (d.leased_until IS NULL OR d.leased_until < now())`;

/**
 * Claimable: due, and for a fifo delivery (one with an ordering key) no earlier delivery of its
 * key still unsettled (pending, leased or not, or paused). An unordered row stops at the null test.
 */
const CLAIMABLE = `${DUE} AND (d.ordering_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM webhook_deliveries p WHERE p.subscription_id = d.subscription_id AND p.ordering_key = d.ordering_key
    AND p.status IN ('pending', 'paused') AND p.ordering_seq < d.ordering_seq))`;

/**
 * Joined into a statement run on its own (its implicit transaction), this commits that transaction
 * without waiting for the WAL flush (`synchronous_commit = off` for it alone; the setting reverts
 * at its end). The commit is visible and survives the dispatcher's own crash at once; only a crash
 * of PostgreSQL itself within about 3 × wal_writer_delay (600 ms by default) can undo it. Used for
 * outcomes only: an undone outcome is a delivery sent again with the same `webhook-id`
 * (at-least-once holds), while the fan-out rows that precede an ack stay synchronous.
 */
const ASYNC_COMMIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;

/** Strips what jsonb cannot hold (NUL) from text a receiver sent. */
const jsonSafe = (s: string | null) => (s === null ? null : s.replace(/\u0000/g, ''));

/** The SQL of the delivery pipeline: claim with SKIP LOCKED and a lease, record outcomes in batches. */
@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs one of the hot path's statements as a named prepared statement on TypeORM's own pool:
   * each connection parses and plans it once, not per claim (hundreds a second under load, a
   * multi-CTE statement whose index walk suits any table size). TypeORM's `query` has no way to name a statement.
   */
  private async prepared<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return (await pgPoolOf(this.dataSource).query<R>({ name, text, values })).rows;
  }

  /**
   * Runs a statement on the same pool unnamed, so PostgreSQL plans it for each call with the
   * table's size at that moment. A named statement's generic plan is fixed after its fifth run,
   * which in a burst is while `webhook_deliveries` holds a few hundred rows and has no statistics
   * (autovacuum analyzes it a minute later at best): a plan chosen then stays for the connection's life.
   */
  private async plannedPerCall<R extends QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return (await pgPoolOf(this.dataSource).query<R>({ text, values })).rows;
  }

  /**
   * Seconds since the oldest delivery that is due and nobody holds (no lease, or an expired one)
   * became due, over active subscriptions; 0 when there is none. A number that keeps growing is a stuck backlog.
   */
  async oldestDueAgeSeconds(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(d.next_attempt_at)), 0)::float8 AS age
       FROM webhook_subscriptions s JOIN webhook_deliveries d ON d.subscription_id = s.id WHERE s.active AND ${DUE}`,
    );
    return Math.max(0, Math.round((row as { age: number }).age * 10) / 10);
  }

  /** Active subscriptions that have deliveries due now, with their rate limits; batch subscriptions are the BatchWorker's. */
  dueSubscriptions(): Promise<{ id: string; rate_limit_per_second: number | null }[]> {
    return this.dataSource.query(
      `SELECT s.id, s.rate_limit_per_second FROM webhook_subscriptions s
       WHERE s.active AND s.batch IS NULL AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.subscription_id = s.id AND ${DUE})`,
    );
  }

  /** Leases up to `limit` due deliveries of one subscription; rows other workers hold are skipped, not waited for. */
  async claim(subscriptionId: string, limit: number, leaseMarginMs: number): Promise<ClaimedDelivery[]> {
    // RETURNING comes in no particular order: sort again, so a lane sends oldest first.
    const rows = await this.prepared<ClaimedRow>(
      'webhook-claim',
      `WITH claimed AS (
         UPDATE webhook_deliveries d SET leased_until = ${LEASE.replace('$LEASE_MARGIN', '$3')}
         FROM webhook_subscriptions s, webhook_events e, (
           SELECT id FROM webhook_deliveries d WHERE d.subscription_id = $1 AND ${CLAIMABLE}
           ORDER BY d.next_attempt_at, d.id LIMIT $2 FOR UPDATE SKIP LOCKED) due
         WHERE d.id = due.id AND s.id = d.subscription_id AND s.active AND s.batch IS NULL AND e.id = d.event_id
         RETURNING ${CLAIMED_COLUMNS}, d.next_attempt_at)
       SELECT * FROM claimed ORDER BY next_attempt_at, id`,
      [subscriptionId, limit, leaseMarginMs],
    );
    return rows.map(toClaimed);
  }

  /**
   * Leases one delivery for a manual re-send, whatever its status, unless a worker holds it now.
   * It gets one more attempt than it has made, at least.
   */
  async claimOne(id: string, leaseMarginMs: number): Promise<ClaimedDelivery | 'leased' | undefined> {
    const rows: [ClaimedRow[], number] = await this.dataSource.query(
      `UPDATE webhook_deliveries d SET leased_until = ${LEASE.replace('$LEASE_MARGIN', '$2')},
         max_attempts = GREATEST(d.max_attempts, d.attempts + 1)
       FROM webhook_subscriptions s, webhook_events e
       WHERE d.id = $1 AND s.id = d.subscription_id AND e.id = d.event_id AND (d.leased_until IS NULL OR d.leased_until < now())
       RETURNING ${CLAIMED_COLUMNS}`,
      [id, leaseMarginMs],
    );
    if (rows[0].length > 0) return toClaimed(rows[0][0]);
    const [exists] = await this.dataSource.query(`SELECT 1 FROM webhook_deliveries WHERE id = $1`, [id]);
    return exists ? 'leased' : undefined;
  }

  /** Failed deliveries of a subscription created since `since`, queued for one more attempt now. */
  async requeueFailed(subscriptionId: string, since: Date): Promise<number> {
    const rows: [unknown[], number] = await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), max_attempts = attempts + 1, updated_at = now()
       WHERE subscription_id = $1 AND status = 'failed' AND created_at >= $2 RETURNING id`,
      [subscriptionId, since],
    );
    await this.dataSource.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
    return rows[1];
  }

  /**
   * Clears the leases of deliveries this instance claimed but did not attempt, so any instance can
   * claim them again at once; a lease another claim has taken over since is left alone.
   */
  async releaseLeases(m: EntityManager, deliveries: Pick<ClaimedDelivery, 'id' | 'lease'>[]): Promise<void> {
    await m.query(
      `UPDATE webhook_deliveries d SET leased_until = NULL FROM unnest($1::uuid[], $2::timestamptz[]) AS r(id, lease)
       WHERE d.id = r.id AND d.leased_until = r.lease`,
      [deliveries.map((d) => d.id), deliveries.map((d) => d.lease)],
    );
    await m.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
  }

  /**
   * Writes the outcomes of a batch of attempts in one statement (one round trip, one commit):
   * delivery state (lease released), the attempt log, and each subscription's consecutive-failure
   * count. Returns the subscriptions whose count changed or that answered 410, for the disable check.
   * A subscription row whose count stays the same (successes on a healthy endpoint) is not
   * rewritten, so concurrent batches of one lane do not queue on its row lock.
   * An outcome whose lease was taken over meanwhile (see ClaimedDelivery.lease) is dropped with its
   * attempt-log line: the delivery belongs to its new claim, which sends it and logs that.
   */
  async recordOutcomes(outcomes: DeliveryOutcome[], tallies: SubscriptionTally[]): Promise<CountedSubscription[]> {
    const updates = outcomes.map((o) => ({
      id: o.delivery.id,
      lease: o.delivery.lease,
      status: o.status,
      attempt: o.attempt.attempt,
      retry_ms: o.retryInMs,
      last_status: o.attempt.responseStatus,
      last_error: o.lastError?.slice(0, 1000) ?? null,
    }));
    // Planned per call, and the rows named by `d.id = ANY($4)` besides the join: the function's
    // 100-row guess against an unanalyzed table made every plan (generic or not) hash-join a seq
    // scan of the whole table, ~0.3 ms per 1,000 rows per batch, so a burst's cost per delivery
    // grew with the table (bench/README.md, "outcome batches scanned the whole table").
    return this.plannedPerCall<CountedSubscription>(
      `WITH delivered AS (
         UPDATE webhook_deliveries d SET status = o.status, attempts = GREATEST(d.attempts, o.attempt), leased_until = NULL,
           next_attempt_at = CASE WHEN o.retry_ms IS NULL THEN d.next_attempt_at ELSE now() + o.retry_ms * interval '1 millisecond' END,
           last_status = o.last_status, last_error = o.last_error, updated_at = now(),
           delivered_at = CASE WHEN o.status = 'succeeded' THEN now() ELSE d.delivered_at END
         FROM jsonb_to_recordset($1::jsonb) AS o(id uuid, lease timestamptz, status text, attempt int, retry_ms int, last_status int, last_error text),
           ${ASYNC_COMMIT}
         WHERE d.id = ANY($4::uuid[]) AND d.id = o.id AND d.leased_until = o.lease RETURNING d.id),
       logged AS (
         INSERT INTO webhook_attempts (delivery_id, event_id, subscription_id, attempt, url, request_headers, response_status,
           response_headers, response_body, duration_ms, error, started_at)
         SELECT a.* FROM jsonb_to_recordset($2::jsonb) AS a(delivery_id uuid, event_id text, subscription_id uuid, attempt int, url text,
           request_headers jsonb, response_status int, response_headers jsonb, response_body text, duration_ms int, error text, started_at timestamptz)
         WHERE a.delivery_id IN (SELECT id FROM delivered)
         RETURNING id)
       UPDATE webhook_subscriptions s
       SET consecutive_failures = CASE WHEN x.reset THEN x.failures ELSE s.consecutive_failures + x.failures END
       FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, reset boolean, failures int, gone boolean)
       WHERE s.id = x.id AND (x.gone OR s.consecutive_failures <> CASE WHEN x.reset THEN x.failures ELSE s.consecutive_failures + x.failures END)
       RETURNING s.id, s.active, s.consecutive_failures`,
      [JSON.stringify(updates), JSON.stringify(outcomes.map((o) => attemptRow(o.attempt))), JSON.stringify(tallies), updates.map((u) => u.id)],
    );
  }
}

/** What a batch of outcomes does to one subscription's consecutive-failure count. */
export interface SubscriptionTally {
  id: string;
  /** A success came in this batch: the count restarts from the failures after the last one. */
  reset: boolean;
  failures: number;
  /** It answered 410 Gone. */
  gone: boolean;
}

export interface CountedSubscription {
  id: string;
  active: boolean;
  consecutive_failures: number;
}

function attemptRow(a: AttemptRecord) {
  return {
    delivery_id: a.deliveryId,
    event_id: a.eventId,
    subscription_id: a.subscriptionId,
    attempt: a.attempt,
    url: a.url,
    request_headers: a.requestHeaders,
    response_status: a.responseStatus,
    response_headers: a.responseHeaders,
    response_body: jsonSafe(a.responseBody),
    duration_ms: a.durationMs,
    error: jsonSafe(a.error)?.slice(0, 1000) ?? null,
    started_at: a.startedAt.toISOString(),
  };
}
