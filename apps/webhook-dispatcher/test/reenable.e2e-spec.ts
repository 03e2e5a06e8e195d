import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { EventsService, type CloudEvent } from '@app/events';
import { Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver, verify } from './receiver.js';

describe('auto re-enable probe, half-open circuit (real nats-server, PostgreSQL and local receivers)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: RunningDispatcher;
  let events: EventsService;
  const receivers: Receiver[] = [];
  const PROBE_MS = [300, 600];

  const api = () => request(dispatcher.url);
  const subscribe = async (url: string, body: Record<string, unknown>) =>
    (await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'probed', url, ...body }).expect(201)).body as { id: string; secret: string };
  const subscription = async (id: string) => (await api().get(`/webhooks/subscriptions/${id}`).set('X-Api-Key', API_KEY).expect(200)).body;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_reenable');
    nc = await connect({ servers: nats.url });
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, { disableAfter: 3, reenableProbeMs: PROBE_MS }));
    events = dispatcher.app.get(EventsService);
  });

  afterAll(async () => {
    await nc?.close();
    await dispatcher?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  it('probes with a signed webhook.ping on the schedule; a 2xx re-enables it, publishes webhook.subscription_enabled and sends what waited', async () => {
    const enabled = new Collector<CloudEvent>();
    const sub = nc.subscribe('events.webhook.subscription_enabled', { callback: (_err, m) => enabled.push(m.json<CloudEvent>()) });
    await nc.flush();
    const r = await Receiver.start();
    receivers.push(r);
    let healthy = false;
    r.reply = () => (healthy ? { status: 204 } : { status: 500 });
    const s = await subscribe(r.url, { eventTypes: ['probe.*'], maxAttempts: 1 });
    for (let i = 0; i < 3; i++) await events.publishEvent('probe.failing', { i });
    await waitFor(async () => (await subscription(s.id)).active === false, { timeoutMs: 15_000, message: 'the subscription was not disabled' });
    const waiting = (await events.publishEvent('probe.while_disabled', {})).id;

    // Failing probes keep it disabled, one after each delay.
    const pings = () => r.requests.items.filter((q) => JSON.parse(q.body).type === 'webhook.ping');
    await waitFor(() => pings().length >= 2, { timeoutMs: 10_000, message: 'no probes were sent' });
    expect((await subscription(s.id)).active).toBe(false);
    const [first, second] = pings();
    expect(second.at - first.at).toBeGreaterThanOrEqual(PROBE_MS[1] - 50);
    expect(verify(s.secret, first)).toMatchObject({ type: 'webhook.ping', data: { subscriptionId: s.id, probe: 1 } });
    expect(enabled.items).toHaveLength(0);

    healthy = true;
    const [event] = await enabled.waitForCount(1, 10_000);
    sub.unsubscribe();
    expect(event).toMatchObject({ type: 'webhook.subscription_enabled', subject: s.id, data: { subscriptionId: s.id, reason: 'probe', url: r.url } });
    expect(await subscription(s.id)).toMatchObject({ active: true, consecutiveFailures: 0, disabledReason: null });
    await waitFor(() => r.deliveredEvents.some((e) => e.id === waiting), { timeoutMs: 10_000, message: 'the event that waited was not sent' });
  });

  it('never probes a subscription disabled by hand', async () => {
    const r = await Receiver.start();
    receivers.push(r);
    const s = await subscribe(r.url, { eventTypes: ['manual.*'] });
    await api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({ active: false }).expect(200);
    await db.query(`UPDATE webhook_subscriptions SET disabled_at = now() - interval '1 hour' WHERE id = $1`, [s.id]);
    // A probe would be long due; the prober's ticks come every 200 ms. Wait for a sure tick: a probe of another subscription.
    const other = await Receiver.start();
    receivers.push(other);
    const o = await subscribe(other.url, { eventTypes: ['other.*'] });
    await db.query(`UPDATE webhook_subscriptions SET active = false, disabled_by = 'consecutive_failures', disabled_at = now() - interval '1 hour' WHERE id = $1`, [o.id]);
    await waitFor(async () => (await subscription(o.id)).active === true, { timeoutMs: 10_000, message: 'the other subscription was not probed' });
    expect(r.requests.items).toHaveLength(0);
    expect((await subscription(s.id)).active).toBe(false);
  });
});
