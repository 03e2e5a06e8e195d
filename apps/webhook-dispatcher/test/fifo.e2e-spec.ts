import request from 'supertest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EventsService, type CloudEvent } from '@app/events';
import { Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';

interface Shipment {
  key: string;
  n: number;
}

describe('ordered delivery per subscription (real nats-server, PostgreSQL and a local receiver)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let events: EventsService;
  let receiver: Receiver;
  let nc: NatsConnection;

  const api = () => request(dispatcher.url);
  const dataOf = (body: string) => (JSON.parse(body) as { data: Shipment }).data;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_fifo');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, { endpointConcurrency: 8 }));
    events = dispatcher.app.get(EventsService);
    receiver = await Receiver.start();
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await dispatcher?.close();
    await receiver?.close();
    await nats?.close();
    await db?.drop();
  });

  it('an endpoint failing the 2nd of 5 events of one key gets them in order after it recovers, while another key flows', async () => {
    let recovered = false;
    // A2 fails until the test lets it through; everything else is accepted at once.
    receiver.reply = (_n, req) => {
      const d = dataOf(req.body);
      return d.key === 'A' && d.n === 2 && !recovered ? { status: 500, body: 'not yet' } : { status: 200, body: 'ok' };
    };
    const created = await api()
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'fifo', url: receiver.url, eventTypes: ['shipment.moved'], ordering: 'fifo', orderingKey: 'data.key', maxAttempts: 100 })
      .expect(201);
    expect(created.body).toMatchObject({ ordering: 'fifo', orderingKey: 'data.key' });

    for (let n = 1; n <= 5; n++) {
      await events.publishEvent('shipment.moved', { key: 'A', n });
      await events.publishEvent('shipment.moved', { key: 'B', n });
    }
    const deliveredOf = (key: string) => receiver.delivered.items.map((r) => dataOf(r.body)).filter((d) => d.key === key).map((d) => d.n);

    // B is not held up by A's failing event: all five arrive, in order, while A2 keeps failing.
    await waitFor(() => deliveredOf('B').length === 5, { timeoutMs: 30_000, message: 'key B delivered' });
    expect(deliveredOf('B')).toEqual([1, 2, 3, 4, 5]);
    await waitFor(() => receiver.requests.items.filter((r) => dataOf(r.body).key === 'A' && dataOf(r.body).n === 2).length >= 2, { timeoutMs: 30_000 });
    expect(deliveredOf('A')).toEqual([1]);
    // Nothing after A2 was even tried.
    expect(receiver.requests.items.map((r) => dataOf(r.body)).filter((d) => d.key === 'A' && d.n > 2)).toEqual([]);

    recovered = true;
    await waitFor(() => deliveredOf('A').length === 5, { timeoutMs: 30_000, message: 'key A delivered after recovery' });
    expect(deliveredOf('A')).toEqual([1, 2, 3, 4, 5]);
    // Every A request after A2 came after A2 succeeded.
    const a2ok = receiver.delivered.items.find((r) => dataOf(r.body).key === 'A' && dataOf(r.body).n === 2)!;
    const later = receiver.requests.items.filter((r) => dataOf(r.body).key === 'A' && dataOf(r.body).n > 2);
    expect(later.every((r) => r.at >= a2ok.answeredAt!)).toBe(true);
  });

  it('a given-up delivery lets the next of its key go; unordered subscriptions keep no key', async () => {
    receiver.reply = (_n, req) => (dataOf(req.body).n === 1 ? { status: 500, body: 'never' } : { status: 200, body: 'ok' });
    const before = receiver.delivered.items.length;
    const s = await api()
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'fifo-giveup', url: receiver.url, eventTypes: ['parcel.moved'], ordering: 'fifo', maxAttempts: 2 })
      .expect(201);
    const plain = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'plain', url: receiver.url, eventTypes: ['parcel.moved'] }).expect(201);
    expect(plain.body).toMatchObject({ ordering: 'none', orderingKey: null });
    await events.publishEvent('parcel.moved', { key: 'C', n: 1 });
    await events.publishEvent('parcel.moved', { key: 'C', n: 2 });
    await waitFor(async () => {
      const { rows } = await db.query(`SELECT status FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY ordering_seq`, [s.body.id]);
      return rows.map((r) => r.status as string).join() === 'failed,succeeded';
    }, { timeoutMs: 30_000 });
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 AND ordering_key IS NOT NULL`, [plain.body.id]);
    expect(rows[0].n).toBe(0);
    expect(receiver.delivered.items.length).toBeGreaterThan(before);
  });

  it('records the gap of a given-up delivery: orderingGap in the API, webhook.ordering_gap published once, the next of the key delivered after it', async () => {
    const gaps = new Collector<CloudEvent>();
    const sub = nc.subscribe('events.webhook.ordering_gap', { callback: (_err, m) => gaps.push(m.json<CloudEvent>()) });
    await nc.flush();
    receiver.reply = (_n, req) => (dataOf(req.body).n === 2 ? { status: 422, body: 'no such order' } : { status: 200, body: 'ok' });
    const s = await api()
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'fifo-gap', url: receiver.url, eventTypes: ['crate.moved'], ordering: 'fifo', orderingKey: 'data.key', maxAttempts: 2 })
      .expect(201);
    for (let n = 1; n <= 3; n++) await events.publishEvent('crate.moved', { key: 'G', n });

    const [gap] = await gaps.waitForCount(1, 30_000);
    const failed = (await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId: s.body.id, status: 'failed' }).expect(200)).body.items;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ orderingGap: true, attempts: 2, lastStatus: 422 });
    expect(gap).toMatchObject({
      type: 'webhook.ordering_gap',
      level: 'warn',
      subject: s.body.id,
      data: { subscriptionId: s.body.id, deliveryId: failed[0].id, eventId: failed[0].eventId, eventType: 'crate.moved', orderingKey: 'G', attempts: 2, lastStatus: 422 },
    });
    // The next of the key went after the gap was given up, and is not a gap itself.
    const delivered = await waitFor(() => {
      const got = receiver.delivered.items.filter((r) => JSON.parse(r.body).type === 'crate.moved').map((r) => dataOf(r.body).n);
      return got.length === 2 && got;
    }, { timeoutMs: 30_000 });
    expect(delivered).toEqual([1, 3]);
    const ok = (await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId: s.body.id, status: 'succeeded' }).expect(200)).body.items;
    expect(ok.map((d: { orderingGap: boolean }) => d.orderingGap)).toEqual([false, false]);
    // Reported once: a sweep finds nothing left to report.
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 AND gap_reported_at IS NOT NULL`, [s.body.id]);
    expect(rows[0].n).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    sub.unsubscribe();
    expect(gaps.items).toHaveLength(1);
  });

  it('refuses an unknown ordering or a bad key path with a 400 naming the field', async () => {
    const post = (extra: object) => api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'x', url: receiver.url, eventTypes: ['*'], ...extra });
    expect((await post({ ordering: 'lifo' }).expect(400)).body.message).toContain('ordering must be "none" or "fifo"');
    expect((await post({ ordering: 'fifo', orderingKey: 'data..id' }).expect(400)).body.message).toContain('orderingKey must be a dot path into the event such as "subject" or "data.orderId"');
  });
});
