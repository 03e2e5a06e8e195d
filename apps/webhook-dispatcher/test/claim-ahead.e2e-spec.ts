import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, publishMany, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';

const ENDPOINTS = 6;
const EVENTS = 300;
/** Leases far longer than the bound: a row claimed ahead and then forgotten would only come back after it. */
const LEASE_MARGIN_MS = 120_000;
const BOUND_MS = 45_000;

/**
 * Lanes hold rows claimed ahead of their free slots (leased, not sent). These tests run where that
 * can go wrong: six lanes of 8 inside an instance limit of 8, so most lanes wait for the instance
 * with rows in hand, and a shutdown while rows wait.
 */
describe('rows claimed ahead are sent once, never stranded, and handed back at shutdown (real nats-server, PostgreSQL, local receivers)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: RunningDispatcher | undefined;
  const receivers: Receiver[] = [];

  const start = () => startDispatcher(dispatcherTestConfig(nats, db, { endpointConcurrency: 8, concurrency: 8, leaseMarginMs: LEASE_MARGIN_MS, pollIntervalMs: 200 }));
  const subscribeAll = async (type: string) => {
    for (const r of receivers) {
      await request(dispatcher!.url).post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'ahead', url: r.url, eventTypes: [`${type}.*`] }).expect(201);
    }
  };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_claim_ahead');
    nc = await connect({ servers: nats.url });
    for (let i = 0; i < ENDPOINTS; i++) receivers.push(await Receiver.start(`/ahead-${i}`));
  });

  afterAll(async () => {
    await dispatcher?.close();
    await nc?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  it(`${ENDPOINTS} lanes of 8 inside an instance limit of 8: all ${ENDPOINTS * EVENTS} deliveries within ${BOUND_MS / 1000} s (well inside the lease), each sent once`, async () => {
    dispatcher = await start();
    await subscribeAll('ahead');
    const started = Date.now();
    await publishMany(nc, 'ahead.tick', EVENTS);
    await waitFor(() => receivers.every((r) => r.distinctDelivered === EVENTS), {
      timeoutMs: BOUND_MS,
      intervalMs: 100,
      message: `not every endpoint got its ${EVENTS} events`,
    });
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    // No row was sent twice (a claimed-ahead row sent after its lease and claimed again would be).
    for (const r of receivers) expect(r.requests.items).toHaveLength(EVENTS);
    await dispatcher.close();
    dispatcher = undefined;
  });

  it('a shutdown while lanes hold rows claimed ahead releases their leases: nothing waits for a lease to end', async () => {
    for (const r of receivers) r.reply = () => ({ status: 200, delayMs: 50 });
    dispatcher = await start();
    await subscribeAll('later');
    await publishMany(nc, 'later.tick', EVENTS);
    // Sending has begun everywhere, far from done (8 at a time over six endpoints answering in 50 ms).
    await waitFor(() => receivers.every((r) => r.requests.items.some((q) => JSON.parse(q.body).type === 'later.tick')), { timeoutMs: 20_000 });
    const leased = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending' AND leased_until > now()`);
    // More leased than the instance limit: rows claimed ahead besides the 8 requests in flight.
    expect(leased.rows[0].n).toBeGreaterThan(8);
    await dispatcher.close();
    dispatcher = undefined;
    const { rows } = await db.query<{ pending: number; leased: number }>(
      `SELECT count(*)::int AS pending, count(*) FILTER (WHERE leased_until > now())::int AS leased FROM webhook_deliveries WHERE status = 'pending'`,
    );
    expect(rows[0].pending).toBeGreaterThan(0);
    expect(rows[0].leased).toBe(0);
  });
});
