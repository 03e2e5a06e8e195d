import request from 'supertest';
import { uuidv7 } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { DeliveryRepository } from '../src/delivery/delivery.repository.js';
import { OutcomeWriter } from '../src/delivery/outcome.writer.js';
import type { ClaimedDelivery, DeliveryOutcome } from '../src/delivery/delivery.types.js';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';

/** A 2xx outcome of `d`, as the executor would hand it over. */
const delivered = (d: ClaimedDelivery): DeliveryOutcome => ({
  delivery: d,
  status: 'succeeded',
  retryInMs: null,
  lastError: null,
  effect: 'success',
  attempt: {
    deliveryId: d.id,
    eventId: d.eventId,
    subscriptionId: d.subscriptionId,
    attempt: d.attempts + 1,
    url: d.url,
    requestHeaders: {},
    responseStatus: 200,
    responseHeaders: {},
    responseBody: 'ok',
    durationMs: 1,
    error: null,
    startedAt: new Date(),
  },
});

describe('an outcome or release whose lease was taken over changes nothing (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_stale_lease');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db));
  });

  afterAll(async () => {
    await dispatcher?.close();
    await nats?.close();
    await db?.drop();
  });

  it('applies only the outcome of the claim that holds the lease now, and logs only its attempt', async () => {
    // Disabled, so the workers leave its row alone and only this test claims it.
    const { body: sub } = await request(dispatcher.url)
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'stale', url: 'http://127.0.0.1:9/hook', eventTypes: ['stale.*'], active: false })
      .expect(201);
    const eventId = uuidv7();
    const id = uuidv7();
    await db.query(`INSERT INTO webhook_events (id, type, body) VALUES ($1, 'stale.tick', '{}')`, [eventId]);
    await db.query(
      `INSERT INTO webhook_deliveries (id, event_id, event_type, subscription_id, status, max_attempts, next_attempt_at) VALUES ($1, $2, 'stale.tick', $3, 'pending', 3, now())`,
      [id, eventId, sub.id],
    );
    const repository = dispatcher.app.get(DeliveryRepository);
    const outcomes = dispatcher.app.get(OutcomeWriter);
    const first = (await repository.claimOne(id, 30_000)) as ClaimedDelivery;
    // Its lease ends (the process stalled, or died with its statement in flight) and another claim takes the row.
    await db.query(`UPDATE webhook_deliveries SET leased_until = now() - interval '1 second' WHERE id = $1`, [id]);
    const second = (await repository.claimOne(id, 30_000)) as ClaimedDelivery;
    expect(second.lease).not.toBe(first.lease);

    await outcomes.record(delivered(first));
    await outcomes.release(first);
    const row = async () =>
      (await db.query<{ status: string; lease: string | null; attempts: number }>(`SELECT status, leased_until::text AS lease, attempts FROM webhook_deliveries WHERE id = $1`, [id])).rows[0];
    const logged = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = $1`, [id])).rows[0].n;
    expect(await row()).toEqual({ status: 'pending', lease: second.lease, attempts: 0 });
    expect(await logged()).toBe(0);

    await outcomes.record(delivered(second));
    expect(await row()).toEqual({ status: 'succeeded', lease: null, attempts: 1 });
    expect(await logged()).toBe(1);
  });
});
