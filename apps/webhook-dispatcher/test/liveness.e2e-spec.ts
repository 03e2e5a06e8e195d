import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, publishMany, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';

const HEALTHY = 20;
const EVENTS = 200;
/** The bound this test states: 4,000 deliveries to local endpoints take a few seconds; a stall never ends. */
const BOUND_MS = 90_000;

describe('liveness: due deliveries are claimed whatever other endpoints do (real nats-server, PostgreSQL and local receivers)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: RunningDispatcher;
  const receivers: Receiver[] = [];

  const subscribe = async (url: string, body: Record<string, unknown>) =>
    (await request(dispatcher.url).post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'live', url, ...body }).expect(201)).body as { id: string };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_liveness');
    nc = await connect({ servers: nats.url });
    // Production limits: 20 healthy lanes of 16 and a timing-out one want more than the instance's 256.
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, { endpointConcurrency: 16, concurrency: 256, disableAfter: 1_000_000 }));
  });

  afterAll(async () => {
    await nc?.close();
    await dispatcher?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  it(`one endpoint timing out on every call while ${HEALTHY * EVENTS} deliveries to healthy endpoints become due: all delivered within ${BOUND_MS / 1000} s`, async () => {
    const slow = await Receiver.start('/times-out');
    receivers.push(slow);
    slow.reply = () => ({ status: 200, hang: true });
    const slowSub = await subscribe(slow.url, { eventTypes: ['load.*'], timeoutMs: 1_000, maxAttempts: 100 });
    const healthy: Receiver[] = [];
    for (let i = 0; i < HEALTHY; i++) healthy.push(await Receiver.start(`/ok-${i}`));
    receivers.push(...healthy);
    for (const r of healthy) await subscribe(r.url, { eventTypes: ['load.*'] });
    await publishMany(nc, 'load.tick', EVENTS);

    await waitFor(() => healthy.every((r) => r.distinctDelivered === EVENTS), {
      timeoutMs: BOUND_MS,
      intervalMs: 200,
      message: `the healthy endpoints did not get all ${HEALTHY * EVENTS} deliveries`,
    });
    expect(healthy.map((r) => r.distinctDelivered)).toEqual(healthy.map(() => EVENTS));
    // The timing-out endpoint kept being tried (it is still enabled) and stayed within its lane.
    expect(slow.requests.items.length).toBeGreaterThanOrEqual(16);
    const [sub] = (await db.query(`SELECT active FROM webhook_subscriptions WHERE id = $1`, [slowSub.id])).rows;
    expect(sub.active).toBe(true);
  });

  /** A subscription created disabled, so its rows can be put in a given state before any worker sees them. */
  const stagedSubscription = async (type: string, body: Record<string, unknown> = {}) => {
    const r = await Receiver.start(`/${type}`);
    receivers.push(r);
    const { id } = await subscribe(r.url, { eventTypes: [`${type}.*`], active: false, ...body });
    return { r, id };
  };
  const pausedRows = (id: string, n: number) =>
    waitFor(async () => (await db.query(`SELECT 1 FROM webhook_deliveries WHERE subscription_id = $1 AND status = 'paused'`, [id])).rows.length === n);
  const webhooksHealth = async () => (await request(dispatcher.url).get('/health/events').expect(200)).body.details.webhooks;

  it('a lease that runs out (its worker died) is claimed again and sent', async () => {
    const { r, id } = await stagedSubscription('lease');
    const [eventId] = await publishMany(nc, 'lease.taken', 1);
    await pausedRows(id, 1);
    const leaseEnds = Date.now() + 2_000;
    await db.query(`UPDATE webhook_deliveries SET status = 'pending', leased_until = now() + interval '2 seconds' WHERE subscription_id = $1`, [id]);
    await db.query(`UPDATE webhook_subscriptions SET active = true WHERE id = $1`, [id]);
    const [got] = await r.delivered.waitForCount(1, 15_000);
    expect(got.headers['webhook-id']).toBe(eventId);
    expect(got.at).toBeGreaterThanOrEqual(leaseEnds - 50);
  });

  it('a backlog shows the age of its oldest due delivery in /health/events and /metrics, back to 0 once sent', async () => {
    // One token a second: due rows wait their turn, visibly.
    const { r, id } = await stagedSubscription('backlog', { rateLimitPerSecond: 1 });
    // The timing-out endpoint of the first test has a backlog of its own: out of the way.
    await db.query(`UPDATE webhook_subscriptions SET active = false WHERE id <> $1`, [id]);
    await publishMany(nc, 'backlog.item', 4);
    await pausedRows(id, 4);
    await db.query(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() - interval '60 seconds' WHERE subscription_id = $1`, [id]);
    await db.query(`UPDATE webhook_subscriptions SET active = true WHERE id = $1`, [id]);
    const health = await waitFor(async () => {
      const h = await webhooksHealth();
      return h.oldestDueAgeSeconds >= 59 && h;
    }, { timeoutMs: 5_000, message: 'the backlog did not show in /health/events' });
    expect(health).toMatchObject({ status: 'up', due: expect.any(Number) });
    const metrics = (await request(dispatcher.url).get('/metrics').expect(200)).text;
    expect(Number(/^mesh_webhook_oldest_due_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(59);
    await r.delivered.waitForCount(4, 15_000);
    await waitFor(async () => (await webhooksHealth()).oldestDueAgeSeconds === 0, { timeoutMs: 5_000, message: 'the backlog age did not drop back to 0' });
  });
});
