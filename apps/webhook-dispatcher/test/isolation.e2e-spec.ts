import request from 'supertest';
import { EventsService } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';

describe('a slow endpoint does not hold up the others (real nats-server, PostgreSQL and local receivers)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  const receivers: Receiver[] = [];
  const ENDPOINT_CONCURRENCY = 4;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_isolation');
    // The slow endpoint fails every time: keep it enabled for the whole run.
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, { endpointConcurrency: ENDPOINT_CONCURRENCY, disableAfter: 10_000 }));
  });

  afterAll(async () => {
    await dispatcher?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  const subscribe = async (url: string, body: Record<string, unknown>) =>
    (await request(dispatcher.url).post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'x', url, ...body }).expect(201)).body as { id: string };
  const deliveries = async (subscriptionId: string, status: string) =>
    (await request(dispatcher.url).get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId, status, limit: 100 }).expect(200)).body.items;

  it('a slow receiver (sleeping past the timeout) does not slow a fast one: both measured', async () => {
    const [fast, slow] = [await Receiver.start(), await Receiver.start()];
    receivers.push(fast, slow);
    slow.reply = () => ({ status: 200, delayMs: 3_000 });
    const fastSub = await subscribe(fast.url, { eventTypes: ['load.*'] });
    const slowSub = await subscribe(slow.url, { eventTypes: ['load.*'], timeoutMs: 500, maxAttempts: 1 });
    const n = 40;
    const events = dispatcher.app.get(EventsService);
    const started = Date.now();
    await Promise.all(Array.from({ length: n }, (_, i) => events.publishEvent('load.tick', { i })));
    await fast.delivered.waitForCount(n, 20_000);
    const fastMs = Date.now() - started;
    await waitFor(async () => (await deliveries(slowSub.id, 'failed')).length === n, { timeoutMs: 30_000, message: 'the slow endpoint did not finish its attempts' });
    const slowMs = Date.now() - started;
    // Four requests at a time to the slow endpoint, each cut off after 500 ms: 40 of them take 5 s or more.
    expect(slowMs).toBeGreaterThanOrEqual((n / ENDPOINT_CONCURRENCY) * 500 * 0.9);
    // The fast endpoint had all of its events long before.
    expect(fastMs).toBeLessThan(slowMs / 2);
    const [failed] = await deliveries(slowSub.id, 'failed');
    expect(failed.attemptLog[0]).toMatchObject({ error: 'timeout: no response within 500 ms', responseStatus: null });
    expect(failed.attemptLog[0].durationMs).toBeGreaterThanOrEqual(450);
    expect(await deliveries(fastSub.id, 'succeeded')).toHaveLength(n);
    expect(fast.delivered.items).toHaveLength(n);
    // Never more than the per-endpoint bound open at once on the slow endpoint, counted by the
    // receiver from arrival to close (start times alone counted arrival jitter under load as overlap).
    expect(slow.maxOpen).toBe(ENDPOINT_CONCURRENCY);
  });
});
