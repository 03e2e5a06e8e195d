import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { EventsService, type CloudEvent } from '@app/events';
import { Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver, verify } from './receiver.js';
import { DeliveryRetentionService } from '../src/retention/delivery-retention.service.js';

describe('webhook delivery (real nats-server, PostgreSQL and local receivers)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let events: EventsService;
  let nc: NatsConnection;
  const receivers: Receiver[] = [];

  const api = () => request(dispatcher.url);
  const receiver = async () => {
    const r = await Receiver.start();
    receivers.push(r);
    return r;
  };
  const subscribe = async (url: string, body: Record<string, unknown> = {}) => {
    const res = await api()
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'test', url, eventTypes: ['*'], ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const deliveriesOf = async (subscriptionId: string, extra: Record<string, string> = {}) =>
    (await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId, ...extra }).expect(200)).body.items;
  const subscription = async (id: string) => (await api().get(`/webhooks/subscriptions/${id}`).set('X-Api-Key', API_KEY).expect(200)).body;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_delivery');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, { endpointConcurrency: 4 }));
    events = dispatcher.app.get(EventsService);
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await dispatcher?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  /**
   * Retires each test's subscriptions, so the next test sees just its own endpoints: disabled
   * ones still collect (paused) deliveries, so they also stop matching anything published.
   */
  afterEach(async () => {
    await db.query(`UPDATE webhook_subscriptions SET active = false, event_types = '{test.retired}'`);
  });

  it('POSTs the event envelope signed per Standard Webhooks, and standardwebhooks verify accepts it', async () => {
    const r = await receiver();
    const s = await subscribe(r.url, { eventTypes: ['vendor.created'], headers: { 'X-Tenant': 'acme', Authorization: 'Bearer t0k' } });
    const { id } = await events.publishEvent('vendor.created', { name: 'Taco Stand' }, { subject: 'v-1' });
    const [req] = await r.delivered.waitForCount(1, 10_000);
    const event = verify(s.secret, req) as CloudEvent;
    expect(event).toMatchObject({ specversion: '1.0', id, type: 'vendor.created', source: 'webhook-dispatcher', subject: 'v-1', data: { name: 'Taco Stand' } });
    expect(req.headers['webhook-id']).toBe(id);
    expect(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-tenant']).toBe('acme');
    expect(() => verify(`whsec_${Buffer.from('another secret of some length').toString('base64')}`, req)).toThrow();

    const [delivery] = await waitFor(async () => {
      const items = await deliveriesOf(s.id);
      return items[0]?.status === 'succeeded' && items;
    });
    expect(delivery).toMatchObject({ eventId: id, eventType: 'vendor.created', subscriptionId: s.id, attempts: 1, lastStatus: 200 });
    expect(delivery.attemptLog).toEqual([
      expect.objectContaining({
        attempt: 1,
        deliveryId: delivery.id,
        eventId: id,
        subscriptionId: s.id,
        responseStatus: 200,
        responseBody: 'ok',
        error: null,
        requestHeaders: expect.objectContaining({ 'webhook-signature': 'v1,<redacted>', Authorization: '<redacted>', 'X-Tenant': 'acme', 'webhook-id': id }),
      }),
    ]);
    expect(JSON.stringify(delivery)).not.toContain(req.headers['webhook-signature'].slice(3));
    expect(JSON.stringify(delivery)).not.toContain(s.secret);
  });

  it('a receiver failing 3 times then succeeding gets exactly one successful delivery after 3 logged failures', async () => {
    const r = await receiver();
    r.reply = (n) => (n <= 3 ? { status: 500, body: `broken ${n}` } : { status: 200, body: 'fine' });
    const s = await subscribe(r.url, { eventTypes: ['order.paid'], maxAttempts: 5 });
    const { id } = await events.publishEvent('order.paid', { total: 10 });
    const delivery = await waitFor(async () => {
      const [d] = await deliveriesOf(s.id);
      return d?.status === 'succeeded' && d;
    }, { timeoutMs: 15_000 });
    expect(r.delivered.items).toHaveLength(1);
    expect(r.requests.items.map((q) => q.headers['webhook-id'])).toEqual([id, id, id, id]);
    expect(delivery.attempts).toBe(4);
    expect(delivery.attemptLog.map((a: { attempt: number; responseStatus: number; responseBody: string }) => [a.attempt, a.responseStatus, a.responseBody])).toEqual([
      [1, 500, 'broken 1'],
      [2, 500, 'broken 2'],
      [3, 500, 'broken 3'],
      [4, 200, 'fine'],
    ]);
    // A success resets the count of consecutive failures.
    expect((await subscription(s.id)).consecutiveFailures).toBe(0);
  });

  it('10 consecutive failures disable the subscription and publish webhook.subscription_disabled; re-enabling resets the count', async () => {
    const disabled = new Collector<CloudEvent>();
    const sub = nc.subscribe('events.webhook.subscription_disabled', { callback: (_err, m) => disabled.push(m.json<CloudEvent>()) });
    await nc.flush();
    const r = await receiver();
    r.reply = () => ({ status: 502 });
    const s = await subscribe(r.url, { eventTypes: ['ping.sent'], maxAttempts: 1 });
    for (let i = 0; i < 12; i++) await events.publishEvent('ping.sent', { i });
    const [event] = await disabled.waitForCount(1, 15_000);
    sub.unsubscribe();
    expect(event).toMatchObject({ type: 'webhook.subscription_disabled', level: 'warn', subject: s.id, data: { subscriptionId: s.id, reason: 'consecutive_failures', url: r.url } });
    expect(event.data).toMatchObject({ consecutiveFailures: expect.any(Number) });
    const after = await subscription(s.id);
    expect(after).toMatchObject({ active: false, disabledReason: expect.stringContaining('consecutive failed attempts') });
    expect(after.consecutiveFailures).toBeGreaterThanOrEqual(10);
    const attempts = r.requests.items.length;
    expect(attempts).toBeGreaterThanOrEqual(10);
    // Requests already in flight when it was disabled may finish, no new ones start.
    expect(attempts).toBeLessThanOrEqual(10 + 4);

    const enabled = await api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({ active: true }).expect(200);
    expect(enabled.body).toMatchObject({ active: true, consecutiveFailures: 0, disabledReason: null });
  });

  it('410 Gone disables the subscription at once', async () => {
    const r = await receiver();
    r.reply = () => ({ status: 410 });
    const s = await subscribe(r.url, { eventTypes: ['gone.*'] });
    await events.publishEvent('gone.now', {});
    await waitFor(async () => (await subscription(s.id)).active === false, { timeoutMs: 10_000 });
    expect((await subscription(s.id)).disabledReason).toBe('the endpoint answered 410 Gone');
    const [d] = await deliveriesOf(s.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 410 });
  });

  it('honours Retry-After on 429', async () => {
    const r = await receiver();
    r.reply = (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    await subscribe(r.url, { eventTypes: ['limited.*'] });
    await events.publishEvent('limited.call', {});
    const [first, second] = await r.requests.waitForCount(2, 10_000);
    // The schedule alone would retry after ~100 ms.
    expect(second.at - first.at).toBeGreaterThanOrEqual(900);
  });

  it('keeps to the rate limit of a subscription', async () => {
    const r = await receiver();
    await subscribe(r.url, { eventTypes: ['rated.*'], rateLimitPerSecond: 5 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => events.publishEvent('rated.tick', { i })));
    const got = await r.delivered.waitForCount(10, 15_000);
    // A burst of 5, then 5 more at 5/s: the tenth arrives about a second after the first.
    expect(got[9].at - got[0].at).toBeGreaterThanOrEqual(800);
  });

  it('filters and patterns select exactly the right events', async () => {
    const [exact, oneToken, tail, all, filtered] = [await receiver(), await receiver(), await receiver(), await receiver(), await receiver()];
    const subs = [
      await subscribe(exact.url, { eventTypes: ['shop.created'] }),
      await subscribe(oneToken.url, { eventTypes: ['shop.*'] }),
      await subscribe(tail.url, { eventTypes: ['cart.>'] }),
      await subscribe(all.url, { eventTypes: ['*'] }),
      await subscribe(filtered.url, { eventTypes: ['cart.>'], filter: { total: { gte: 100 }, 'customer.country': { in: ['DE', 'FR'] }, status: 'paid' } }),
    ];
    const published: Record<string, string> = {};
    const publish = async (name: string, type: string, data: unknown) => (published[name] = (await events.publishEvent(type, data)).id);
    await publish('shopCreated', 'shop.created', {});
    await publish('shopClosed', 'shop.closed', {});
    await publish('shopDeep', 'shop.branch.opened', {});
    await publish('cartBig', 'cart.checkout.done', { total: 150, customer: { country: 'DE' }, status: 'paid' });
    await publish('cartSmall', 'cart.checkout.done', { total: 50, customer: { country: 'DE' }, status: 'paid' });
    await publish('cartElsewhere', 'cart.item.added', { total: 500, customer: { country: 'US' }, status: 'paid' });
    await publish('cartUnpaid', 'cart.paid', { total: 500, customer: { country: 'FR' }, status: 'open' });
    await publish('other', 'user.signed_up', { total: 1000 });
    // The catch-all also gets the dispatcher's own audit events (the subscriptions created above): not counted here.
    const ownEvents = (r: Receiver) => r.deliveredEvents.filter((e) => !e.type.startsWith('audit.'));
    await waitFor(() => ownEvents(all).length >= 8 || undefined, { timeoutMs: 15_000, message: 'the catch-all did not get all eight events' });
    // Fan-out of all eight is committed once the catch-all has them; then wait until none of these subscriptions has a delivery pending.
    const pending = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending' AND subscription_id = ANY($1)`, [subs.map((s) => s.id)])).rows[0].n;
    await waitFor(async () => (await pending()) === 0);
    const ids = (r: Receiver) => ownEvents(r).map((e) => e.id).sort();
    const of = (...names: string[]) => names.map((n) => published[n]).sort();
    expect(ids(exact)).toEqual(of('shopCreated'));
    expect(ids(oneToken)).toEqual(of('shopCreated', 'shopClosed'));
    expect(ids(tail)).toEqual(of('cartBig', 'cartSmall', 'cartElsewhere', 'cartUnpaid'));
    expect(ids(all)).toEqual(of(...Object.keys(published)));
    expect(ids(filtered)).toEqual(of('cartBig'));
  });

  it('secret rotation keeps deliveries verifiable with the old and the new secret during the grace period', async () => {
    const r = await receiver();
    const s = await subscribe(r.url, { eventTypes: ['rotation.*'] });
    await events.publishEvent('rotation.before', {});
    const [before] = await r.delivered.waitForCount(1);
    expect(verify(s.secret, before)).toBeTruthy();

    const rotated = (await api().post(`/webhooks/subscriptions/${s.id}/rotate-secret`).set('X-Api-Key', API_KEY).send({ gracePeriodMs: 60_000 }).expect(201)).body;
    await events.publishEvent('rotation.during', {});
    const during = (await r.delivered.waitForCount(2))[1];
    expect(verify(s.secret, during)).toMatchObject({ type: 'rotation.during' });
    expect(verify(rotated.secret, during)).toMatchObject({ type: 'rotation.during' });

    const again = (await api().post(`/webhooks/subscriptions/${s.id}/rotate-secret`).set('X-Api-Key', API_KEY).send({ gracePeriodMs: 0 }).expect(201)).body;
    await events.publishEvent('rotation.after', {});
    const after = (await r.delivered.waitForCount(3))[2];
    expect(verify(again.secret, after)).toMatchObject({ type: 'rotation.after' });
    expect(() => verify(rotated.secret, after)).toThrow('No matching signature found');
    expect(() => verify(s.secret, after)).toThrow('No matching signature found');
  });

  it('lists deliveries by subscription, event and status, page by page', async () => {
    const [a, b] = [await receiver(), await receiver()];
    b.reply = () => ({ status: 500 });
    const sa = await subscribe(a.url, { eventTypes: ['listing.*'] });
    const sb = await subscribe(b.url, { eventTypes: ['listing.*'], maxAttempts: 1 });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await events.publishEvent('listing.item', { i })).id);
    await waitFor(async () => (await deliveriesOf(sb.id, { status: 'failed' })).length === 5 && (await deliveriesOf(sa.id, { status: 'succeeded' })).length === 5);
    const byEvent = (await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ eventId: ids[2] }).expect(200)).body.items;
    expect(byEvent.map((d: { subscriptionId: string }) => d.subscriptionId).sort()).toEqual([sa.id, sb.id].sort());
    const page1 = (await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId: sa.id, limit: 3 }).expect(200)).body;
    expect(page1.items).toHaveLength(3);
    const page2 = (await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId: sa.id, limit: 3, cursor: page1.nextCursor }).expect(200)).body;
    expect(page2.items).toHaveLength(2);
    expect(page2.nextCursor).toBeNull();
    const pages = [...page1.items, ...page2.items] as { id: string; eventId: string }[];
    expect(pages.map((d) => d.eventId).sort()).toEqual([...ids].sort());
    // Newest first (delivery ids are UUID v7).
    expect(pages.map((d) => d.id)).toEqual(pages.map((d) => d.id).sort().reverse());
    const bad = await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ status: 'lost' }).expect(400);
    expect(bad.body.message).toEqual(['status must be one of pending, paused, succeeded, failed']);
  });

  it('re-sends one delivery now, and recovers every failed delivery since a time', async () => {
    const r = await receiver();
    let healthy = false;
    r.reply = () => (healthy ? { status: 200, body: 'back' } : { status: 503 });
    const s = await subscribe(r.url, { eventTypes: ['recover.*'], maxAttempts: 1 });
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 4; i++) await events.publishEvent('recover.item', { i });
    const failed = await waitFor(async () => {
      const items = await deliveriesOf(s.id, { status: 'failed' });
      return items.length === 4 && items;
    });
    healthy = true;
    const retried = await api().post(`/webhooks/deliveries/${failed[0].id}/retry`).set('X-Api-Key', API_KEY).expect(200);
    expect(retried.body).toMatchObject({ status: 'succeeded', attempts: 2, lastStatus: 200 });
    expect(retried.body.attemptLog.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([503, 200]);
    expect(retried.body.event).toMatchObject({ type: 'recover.item' });

    const recovered = await api().post(`/webhooks/subscriptions/${s.id}/recover`).query({ since }).set('X-Api-Key', API_KEY).expect(202);
    expect(recovered.body).toMatchObject({ subscriptionId: s.id, requeued: 3 });
    await waitFor(async () => (await deliveriesOf(s.id, { status: 'succeeded' })).length === 4);
    expect(r.delivered.items).toHaveLength(4);
    await api().post(`/webhooks/subscriptions/${s.id}/recover`).query({ since: 'yesterday' }).set('X-Api-Key', API_KEY).expect(400);
  });

  it('reports its backlog in /health/events and its attempts in /metrics', async () => {
    const health = await api().get('/health/events').expect(200);
    expect(health.body.service).toBe('webhook-dispatcher');
    expect(health.body.details.webhooks).toEqual(expect.objectContaining({ status: 'up', due: expect.any(Number), inFlight: expect.any(Number) }));
    expect(health.body.details.webhooks.disabledSubscriptions).toBeGreaterThanOrEqual(1);
    const metrics = await api().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/mesh_webhook_attempts_total\{outcome="succeeded"\} [1-9]/);
    expect(metrics.text).toMatch(/mesh_webhook_subscriptions_disabled_total\{reason="gone"\} 1/);
    expect(metrics.text).toContain('mesh_webhook_attempt_duration_seconds_bucket');
  });

  it('retention deletes settled deliveries, their log and unreferenced events past WEBHOOK_RETENTION_DAYS, never pending ones', async () => {
    const r = await receiver();
    r.reply = (n) => (n === 1 ? { status: 200 } : { status: 500 });
    const s = await subscribe(r.url, { eventTypes: ['retained.*'], maxAttempts: 50 });
    const old = await events.publishEvent('retained.old', {});
    await waitFor(async () => (await deliveriesOf(s.id, { status: 'succeeded' })).length === 1);
    const waiting = await events.publishEvent('retained.waiting', {});
    await waitFor(async () => (await deliveriesOf(s.id, { status: 'pending' }))[0]?.attempts >= 1);
    await db.query(`UPDATE webhook_deliveries SET updated_at = now() - interval '40 days' WHERE event_id = ANY($1)`, [[old.id, waiting.id]]);
    await db.query(`UPDATE webhook_events SET received_at = now() - interval '40 days' WHERE id = ANY($1)`, [[old.id, waiting.id]]);
    const deleted = await dispatcher.app.get(DeliveryRetentionService).runOnce();
    expect(deleted.deliveries).toBeGreaterThanOrEqual(1);
    const left = await db.query(`SELECT event_id, status FROM webhook_deliveries WHERE event_id = ANY($1)`, [[old.id, waiting.id]]);
    expect(left.rows).toEqual([{ event_id: waiting.id, status: 'pending' }]);
    expect((await db.query(`SELECT count(*)::int AS n FROM webhook_attempts WHERE event_id = $1`, [old.id])).rows[0].n).toBe(0);
    expect((await db.query(`SELECT id FROM webhook_events WHERE id = ANY($1)`, [[old.id, waiting.id]])).rows).toEqual([{ id: waiting.id }]);
  });

  it('POST /webhooks/test sends a signed test event to a url or a subscription and reports the response', async () => {
    const r = await receiver();
    r.reply = () => ({ status: 202, headers: { 'x-receiver': 'yes' }, body: 'x'.repeat(3000) });
    const res = await api().post('/webhooks/test').set('X-Api-Key', API_KEY).send({ url: r.url, data: { hello: 'world' } }).expect(200);
    expect(res.body).toMatchObject({ url: r.url, delivered: true, error: null, response: { status: 202, headers: expect.objectContaining({ 'x-receiver': 'yes' }) } });
    expect(res.body.response.body).toHaveLength(1024);
    expect(res.body.durationMs).toEqual(expect.any(Number));
    const [req] = await r.requests.waitForCount(1);
    expect(verify(res.body.secret, req)).toMatchObject({ type: 'webhook.test', data: { hello: 'world' } });

    const s = await subscribe(r.url, { eventTypes: ['never.sent'] });
    r.reply = () => ({ status: 500, body: 'nope' });
    const bySub = await api().post('/webhooks/test').set('X-Api-Key', API_KEY).send({ subscriptionId: s.id, eventType: 'order.test' }).expect(200);
    expect(bySub.body).toMatchObject({ delivered: false, response: { status: 500, body: 'nope' } });
    expect(bySub.body).not.toHaveProperty('secret');
    expect(verify(s.secret, (await r.requests.waitForCount(2))[1])).toMatchObject({ type: 'order.test' });

    const neither = await api().post('/webhooks/test').set('X-Api-Key', API_KEY).send({}).expect(400);
    expect(neither.body.message.join()).toContain('url must be a string');
    await api().post('/webhooks/test').send({ url: r.url }).expect(401);
  });
});
