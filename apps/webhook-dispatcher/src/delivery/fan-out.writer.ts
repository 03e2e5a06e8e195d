import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uuidv7, type CloudEvent } from '@app/events';
import { matchingSubscriptions, type MatchableSubscription } from '../matching/subscription-matcher.js';
import { DELIVERIES_CHANNEL } from './delivery.repository.js';
import { DeliverySignal } from './delivery-signal.js';
import { orderingKeyOf, type Ordering } from './ordering-key.js';
import { GroupCommit } from '@app/events';

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
 */
@Injectable()
export class FanOutWriter {
  private readonly commit = new GroupCommit<IncomingEvent>({ name: 'fan-out', maxBatch: 500, maxInFlight: 2 }, (batch) => this.write(batch));
  /** Settles when every batch started so far has committed or failed. */
  private settled: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signal: DeliverySignal,
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
    await this.dataSource.transaction(async (m) => {
      // Read in the transaction, so a subscription saved before this commit sees the events after it.
      const subscriptions: (MatchableSubscription & { active: boolean; ordering: Ordering; ordering_key: string | null })[] = await m.query(
        `SELECT id, event_types, filter, max_attempts, active, ordering, ordering_key FROM webhook_subscriptions`,
      );
      if (subscriptions.length === 0) return;
      const events = new Map<string, IncomingEvent>();
      const rows = { id: [] as string[], event: [] as string[], type: [] as string[], sub: [] as string[], max: [] as number[], status: [] as string[], key: [] as (string | null)[] };
      for (const incoming of batch) {
        for (const s of matchingSubscriptions(incoming.event, subscriptions)) {
          events.set(incoming.event.id, incoming);
          rows.id.push(uuidv7());
          rows.event.push(incoming.event.id);
          rows.type.push(incoming.event.type);
          rows.sub.push(s.id);
          rows.max.push(s.max_attempts);
          rows.status.push(s.active ? 'pending' : 'paused');
          rows.key.push(s.ordering === 'fifo' ? orderingKeyOf(incoming.event, s.ordering_key) : null);
        }
      }
      if (rows.id.length === 0) return;
      if (rows.key.some((k) => k !== null)) await earlier;
      const list = [...events.values()];
      await m.query(
        `INSERT INTO webhook_events (id, type, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (id) DO NOTHING`,
        [list.map((e) => e.event.id), list.map((e) => e.event.type), list.map((e) => e.body)],
      );
      const inserted: { subscription_id: string; status: string }[] = await m.query(
        `INSERT INTO webhook_deliveries (id, event_id, event_type, subscription_id, status, max_attempts, next_attempt_at, ordering_key, ordering_seq)
         SELECT id, event_id, event_type, subscription_id, status, max_attempts, now(), ordering_key,
           CASE WHEN ordering_key IS NULL THEN NULL ELSE nextval('webhook_deliveries_ordering_seq') END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::int[], $6::text[], $7::text[]) AS r(id, event_id, event_type, subscription_id, max_attempts, status, ordering_key)
         ON CONFLICT ON CONSTRAINT webhook_deliveries_once DO NOTHING
         RETURNING subscription_id, status`,
        [rows.id, rows.event, rows.type, rows.sub, rows.max, rows.status, rows.key],
      );
      for (const r of inserted) if (r.status === 'pending') woken.add(r.subscription_id);
      if (woken.size > 0) await m.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
    });
    if (woken.size > 0) this.signal.notify(woken);
  }
}
