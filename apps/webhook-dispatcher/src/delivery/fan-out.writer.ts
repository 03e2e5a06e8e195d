import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uuidv7, type CloudEvent } from '@app/events';
import { matchingSubscriptions, type MatchableSubscription } from '../matching/subscription-matcher.js';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import type { OAuth2Credentials } from '../oauth2/oauth2-credentials.js';
import { DELIVERIES_CHANNEL } from './delivery.repository.js';
import { DeliverySignal } from './delivery-signal.js';
import { DeliveryWorker } from './delivery-worker.js';
import { orderingKeyOf, type Ordering } from './ordering-key.js';
import { GroupCommit } from '@app/events';
import type { ClaimedDelivery } from './delivery.types.js';

/** A subscription as the fan-out reads it: what matching needs, and what sending a fresh row needs. */
interface FanOutSubscription extends MatchableSubscription {
  active: boolean;
  ordering: Ordering;
  ordering_key: string | null;
  rate_limit_per_second: number | null;
  /** Batched subscriptions are sent by the batch worker, never as single fresh rows. */
  batch: unknown;
  url: string;
  timeout_ms: number;
  headers: Record<string, string>;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  oauth2: OAuth2Credentials | null;
}

/**
 * A subscription's rows in one batch (indexes into the batch's rows, in batch order) and, once its
 * lane was asked (`asked`), how many of the first it takes leased (`fresh`).
 */
interface Share {
  subscription: FanOutSubscription;
  rows: number[];
  asked: boolean;
  fresh: number;
}

/** Fresh rows may go to the lane only for these: fifo rows keep to the claim (their order), paused and rate-limited ones too. */
const mayGoFresh = (s: FanOutSubscription) => s.active && s.ordering !== 'fifo' && s.rate_limit_per_second === null && s.batch === null;

export interface IncomingEvent {
  event: CloudEvent;
  /** The envelope exactly as published: what is signed and sent. */
  body: string;
}

/**
 * Fan-out, group-committed: each event becomes one delivery row per matching subscription,
 * `pending` for an active one and `paused` for a disabled one (so no acked event is ever missing
 * for a subscriber: re-enabling delivers what came meanwhile), all rows of a batch in one transaction, and each handler's promise (its ack)
 * settles only after that commit. `ON CONFLICT DO NOTHING` on (event id, subscription id) makes a
 * redelivered or replayed event harmless: a crash before the commit loses nothing (the event is
 * not acked and comes back), a crash after it sends nothing twice (the rows exist once).
 *
 * Rows of fifo subscriptions carry their ordering key and a number from a sequence, taken in
 * batch order, that is their order. Batches run two at a time; one with fifo rows commits only after every earlier
 * batch has, so a later event's row is never visible (and claimable) before an earlier one's.
 * Batches without fifo rows wait for nothing.
 *
 * Fresh rows of an active, unordered subscription without a rate limit whose lane here has no
 * backlog are inserted already leased by this instance (the lease a claim would write) and handed
 * to the lane after the commit, so they are sent without a claim round trip; the lane takes as many
 * as it has room for (DeliveryWorker.reserveFresh), the rest are written unleased and claimed. A
 * crash leaves them leased and unsent: they are due again when the lease ends, as rows claimed ahead.
 */
@Injectable()
export class FanOutWriter {
  private readonly commit = new GroupCommit<IncomingEvent>({ name: 'fan-out', maxBatch: 500, maxInFlight: 2 }, (batch) => this.write(batch));
  /** Settles when every batch started so far has committed or failed. */
  private settled: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signal: DeliverySignal,
    private readonly worker: DeliveryWorker,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {}

  add(incoming: IncomingEvent): Promise<void> {
    return this.commit.add(incoming);
  }

  private async write(batch: IncomingEvent[]): Promise<void> {
    const earlier = this.settled;
    let done!: () => void;
    const own = new Promise<void>((resolve) => (done = resolve));
    this.settled = Promise.all([earlier, own]).then(() => undefined);
    try {
      await this.writeAfter(batch, earlier);
    } finally {
      done();
    }
  }

  private async writeAfter(batch: IncomingEvent[], earlier: Promise<void>): Promise<void> {
    const woken = new Set<string>();
    const shares = new Map<string, Share>();
    const rows = {
      id: [] as string[], event: [] as string[], type: [] as string[], sub: [] as string[], max: [] as number[], status: [] as string[],
      key: [] as (string | null)[], lease: [] as (number | null)[], incoming: [] as IncomingEvent[],
    };
    /** Lease of each row inserted leased, as PostgreSQL keeps it, by row id. */
    const leases = new Map<string, string>();
    let startedAt = 0;
    try {
      await this.dataSource.transaction(async (m) => {
        // Read in the transaction, so a subscription saved before this commit sees the events after it.
        const subscriptions: FanOutSubscription[] = await m.query(
          `SELECT id, event_types, filter, max_attempts, active, ordering, ordering_key, rate_limit_per_second, batch,
             url, timeout_ms, headers, secret, previous_secret, previous_secret_expires_at, oauth2 FROM webhook_subscriptions`,
        );
        if (subscriptions.length === 0) return;
        const events = new Map<string, IncomingEvent>();
        for (const incoming of batch) {
          for (const s of matchingSubscriptions(incoming.event, subscriptions)) {
            events.set(incoming.event.id, incoming);
            let share = shares.get(s.id);
            if (!share) shares.set(s.id, (share = { subscription: s, rows: [], asked: false, fresh: 0 }));
            share.rows.push(rows.id.length);
            rows.id.push(uuidv7());
            rows.event.push(incoming.event.id);
            rows.type.push(incoming.event.type);
            rows.sub.push(s.id);
            rows.max.push(s.max_attempts);
            rows.status.push(s.active ? 'pending' : 'paused');
            rows.key.push(s.ordering === 'fifo' ? orderingKeyOf(incoming.event, s.ordering_key) : null);
            rows.lease.push(null);
            rows.incoming.push(incoming);
          }
        }
        if (rows.id.length === 0) return;
        if (rows.key.some((k) => k !== null)) await earlier;
        const list = [...events.values()];
        const stored: { id: string }[] = await m.query(
          `INSERT INTO webhook_events (id, type, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [list.map((e) => e.event.id), list.map((e) => e.event.type), list.map((e) => e.body)],
        );
        // A fresh row is sent with the body in hand, so only rows of events stored just now (the
        // body a claim would read): a replayed event's rows stay with the claim, as do all after them.
        const isNew = new Set(stored.map((e) => e.id));
        for (const share of shares.values()) {
          const s = share.subscription;
          if (!mayGoFresh(s)) continue;
          let candidates = 0;
          while (candidates < share.rows.length && isNew.has(rows.event[share.rows[candidates]])) candidates++;
          share.asked = true;
          share.fresh = this.worker.reserveFresh(s.id, share.rows.length, candidates);
          const leaseMs = s.timeout_ms * (s.oauth2 ? 4 : 1) + this.config.leaseMarginMs;
          for (let j = 0; j < share.fresh; j++) rows.lease[share.rows[j]] = leaseMs;
        }
        // A lease starts at its row's insert (clock_timestamp()), after `startedAt`: the lane's send-by time counts from there.
        startedAt = Date.now();
        const written: { id: string; subscription_id: string; status: string; lease: string | null }[] = await m.query(
          `INSERT INTO webhook_deliveries (id, event_id, event_type, subscription_id, status, max_attempts, next_attempt_at, ordering_key, ordering_seq, leased_until)
           SELECT id, event_id, event_type, subscription_id, status, max_attempts, now(), ordering_key,
             CASE WHEN ordering_key IS NULL THEN NULL ELSE nextval('webhook_deliveries_ordering_seq') END,
             clock_timestamp() + lease_ms * interval '1 millisecond'
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::int[], $6::text[], $7::text[], $8::int[])
             AS r(id, event_id, event_type, subscription_id, max_attempts, status, ordering_key, lease_ms)
           ON CONFLICT ON CONSTRAINT webhook_deliveries_once DO NOTHING
           RETURNING id, subscription_id, status, leased_until::text AS lease`,
          [rows.id, rows.event, rows.type, rows.sub, rows.max, rows.status, rows.key, rows.lease],
        );
        for (const r of written) {
          if (r.lease !== null) leases.set(r.id, r.lease);
          else if (r.status === 'pending') woken.add(r.subscription_id);
        }
        if (woken.size > 0) await m.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
      });
    } catch (err) {
      // Nothing was written: the lanes take back their promises; the event is not acked and comes again.
      for (const share of shares.values()) if (share.asked) this.worker.adoptFresh(share.subscription.id, share.rows.length, share.fresh, [], 0);
      throw err;
    }
    for (const share of shares.values()) {
      if (!share.asked) continue;
      const fresh: ClaimedDelivery[] = [];
      for (const i of share.rows.slice(0, share.fresh)) {
        // A row that existed already (a redelivered event) was not inserted: whoever holds it sends it.
        const lease = leases.get(rows.id[i]);
        if (lease !== undefined) fresh.push(toFresh(share.subscription, rows.id[i], rows.incoming[i], lease));
      }
      this.worker.adoptFresh(share.subscription.id, share.rows.length, share.fresh, fresh, startedAt);
    }
    if (woken.size > 0) this.signal.notify(woken);
  }
}

/** A row inserted leased by this instance, as a claim would have returned it. */
const toFresh = (s: FanOutSubscription, id: string, incoming: IncomingEvent, lease: string): ClaimedDelivery => ({
  id,
  eventId: incoming.event.id,
  eventType: incoming.event.type,
  subscriptionId: s.id,
  attempts: 0,
  maxAttempts: s.max_attempts,
  body: incoming.body,
  url: s.url,
  timeoutMs: s.timeout_ms,
  headers: s.headers,
  secret: s.secret,
  previousSecret: s.previous_secret,
  previousSecretExpiresAt: s.previous_secret_expires_at,
  oauth2: s.oauth2,
  orderingKey: null,
  lease,
});
