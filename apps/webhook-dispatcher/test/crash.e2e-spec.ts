import request from 'supertest';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, subjectForType } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY } from './support.js';
import { DispatcherProcess } from './dispatcher-process.js';
import { Receiver } from './receiver.js';

describe('the dispatcher killed mid fan-out to 5 endpoints (real process, nats-server, PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: DispatcherProcess | undefined;
  const receivers: Receiver[] = [];
  const env = () => ({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    ADMIN_API_KEY: API_KEY,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RETRY_SCHEDULE: '200ms',
    WEBHOOK_LEASE_MARGIN: '1s',
    WEBHOOK_POLL_INTERVAL: '200ms',
    CONSUMER_ACK_WAIT: '5s',
  });

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_crash');
    nc = await connect({ servers: nats.url });
    for (let i = 0; i < 5; i++) receivers.push(await Receiver.start(`/hook-${i}`));
  });

  afterAll(async () => {
    await dispatcher?.kill('SIGKILL');
    await nc?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  it('after a restart each endpoint has exactly one successful delivery', async () => {
    dispatcher = await DispatcherProcess.start(env());
    const ids: string[] = [];
    for (const r of receivers) {
      const res = await request(dispatcher.url)
        .post('/webhooks/subscriptions')
        .set('X-Api-Key', API_KEY)
        .send({ name: r.url, url: r.url, eventTypes: ['order.placed'], timeoutMs: 3_000 });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    // Two endpoints answer at once; three hold the request open until the dispatcher dies, then answer normally.
    let killed = false;
    for (const r of receivers.slice(2)) r.reply = () => (killed ? { status: 200, body: 'ok' } : { status: 200, hang: true });

    const event = createEnvelope('order.placed', { total: 42 }, 'crash-test');
    const h = headers();
    h.set('Content-Type', 'application/cloudevents+json');
    await jetstream(nc).publish(subjectForType(event.type), JSON.stringify(event), { msgID: event.id, headers: h });

    const statuses = async () =>
      (await db.query<{ subscription_id: string; status: string }>(`SELECT subscription_id, status FROM webhook_deliveries WHERE event_id = $1`, [event.id])).rows;
    // Mid fan-out: two endpoints delivered (and recorded), three requests in flight.
    await waitFor(async () => (await statuses()).filter((s) => s.status === 'succeeded').length === 2 && receivers.slice(2).every((r) => r.requests.items.length === 1), {
      timeoutMs: 15_000,
      message: 'the fan-out did not reach the mid-point',
    });
    await dispatcher.kill('SIGKILL');
    killed = true;

    dispatcher = await DispatcherProcess.start(env());
    await waitFor(async () => {
      const rows = await statuses();
      return rows.length === 5 && rows.every((s) => s.status === 'succeeded');
    }, { timeoutMs: 30_000, message: 'not every endpoint got the event after the restart' });

    expect(receivers.map((r) => r.delivered.items.length)).toEqual([1, 1, 1, 1, 1]);
    for (const r of receivers) expect(r.deliveredEvents[0].id).toBe(event.id);
    // The two answered before the crash were not sent again; the three cut off were sent once more.
    expect(receivers.map((r) => r.requests.items.length)).toEqual([1, 1, 2, 2, 2]);
    const attempts = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_attempts WHERE event_id = $1`, [event.id]);
    expect(attempts.rows[0].n).toBe(5);
    // One delivery row per endpoint, none duplicated by the redelivered or re-fanned event.
    expect((await statuses()).map((s) => s.subscription_id).sort()).toEqual([...ids].sort());
  });
});
