import request from 'supertest';
import { EventsService } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';

describe('events for a disabled subscription wait as paused deliveries (real nats-server, PostgreSQL and local receivers)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let events: EventsService;
  const receivers: Receiver[] = [];

  const api = () => request(dispatcher.url);
  const receiver = async () => {
    const r = await Receiver.start();
    receivers.push(r);
    return r;
  };
  const subscribe = async (url: string, body: Record<string, unknown>) =>
    (await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'paused', url, ...body }).expect(201)).body as { id: string };
  const subscription = async (id: string) => (await api().get(`/webhooks/subscriptions/${id}`).set('X-Api-Key', API_KEY).expect(200)).body;
  const statuses = async (id: string) =>
    (await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 GROUP BY status`, [id])).rows.reduce(
      (acc, r) => ({ ...acc, [r.status]: r.n }),
      {} as Record<string, number>,
    );

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_paused');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, { endpointConcurrency: 4, disableAfter: 3 }));
    events = dispatcher.app.get(EventsService);
  });

  afterAll(async () => {
    await dispatcher?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  it('an auto-disabled subscription: events that arrive while disabled are counted, then delivered in order after re-enable', async () => {
    const r = await receiver();
    let healthy = false;
    r.reply = () => (healthy ? { status: 200 } : { status: 502 });
    const s = await subscribe(r.url, { eventTypes: ['parcel.*'], maxAttempts: 1 });
    for (let i = 0; i < 3; i++) await events.publishEvent('parcel.failed', { i });
    await waitFor(async () => (await subscription(s.id)).active === false, { timeoutMs: 15_000, message: 'the subscription was not disabled' });

    const whileDisabled: string[] = [];
    for (let i = 0; i < 6; i++) whileDisabled.push((await events.publishEvent('parcel.sent', { i })).id);
    await waitFor(async () => (await statuses(s.id)).paused === 6, { timeoutMs: 10_000, message: 'the events were not recorded as paused deliveries' });
    expect(await subscription(s.id)).toMatchObject({ active: false, waitingDeliveries: 6 });
    const requestsBefore = r.requests.items.length;
    expect(requestsBefore).toBe(3);

    healthy = true;
    const enabled = await api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({ active: true }).expect(200);
    expect(enabled.body).toMatchObject({ active: true, consecutiveFailures: 0 });
    await r.delivered.waitForCount(6, 15_000);
    expect(r.deliveredEvents.map((e) => e.id).sort()).toEqual([...whileDisabled].sort());
    await waitFor(async () => (await subscription(s.id)).waitingDeliveries === 0);
    // Claimed and started oldest first (attempts started in the same millisecond tie).
    const started = await db.query<{ event_id: string; started_at: Date }>(`SELECT event_id, started_at FROM webhook_attempts WHERE subscription_id = $1 AND event_id = ANY($2)`, [
      s.id,
      whileDisabled,
    ]);
    const startedAt = new Map(started.rows.map((row) => [row.event_id, row.started_at.getTime()]));
    // The order the fan-out recorded them in: arrival order, but for events whose fan-out transactions overlapped.
    const recorded = await db.query<{ event_id: string }>(`SELECT event_id FROM webhook_deliveries WHERE subscription_id = $1 AND event_id = ANY($2) ORDER BY created_at, id`, [
      s.id,
      whileDisabled,
    ]);
    const inRecordedOrder = recorded.rows.map((row) => startedAt.get(row.event_id)!);
    expect(inRecordedOrder).toHaveLength(6);
    expect(inRecordedOrder).toEqual([...inRecordedOrder].sort((a, b) => a - b));
    expect(await statuses(s.id)).toEqual({ failed: 3, succeeded: 6 });
  });

  it('re-enabling with dropWaiting: true drops what waited (failed, with the reason) and sends nothing of it', async () => {
    const r = await receiver();
    const s = await subscribe(r.url, { eventTypes: ['crate.*'], active: false });
    for (let i = 0; i < 3; i++) await events.publishEvent('crate.packed', { i });
    await waitFor(async () => (await subscription(s.id)).waitingDeliveries === 3, { timeoutMs: 10_000 });

    const lone = await api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({ name: 'x', dropWaiting: true }).expect(400);
    expect(lone.body.message).toEqual(['dropWaiting applies only with active: true (re-enabling a disabled subscription)']);
    const enabled = await api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({ active: true, dropWaiting: true }).expect(200);
    expect(enabled.body).toMatchObject({ active: true, waitingDeliveries: 0 });
    expect(await statuses(s.id)).toEqual({ failed: 3 });
    const [row] = (await db.query(`SELECT last_error FROM webhook_deliveries WHERE subscription_id = $1 LIMIT 1`, [s.id])).rows;
    expect(row.last_error).toContain('dropWaiting');

    // Events after the re-enable go out as usual; the dropped ones never do.
    const { id } = await events.publishEvent('crate.shipped', {});
    const [delivered] = await r.delivered.waitForCount(1, 10_000);
    expect(delivered.headers['webhook-id']).toBe(id);
    expect(r.requests.items).toHaveLength(1);
  });
});
