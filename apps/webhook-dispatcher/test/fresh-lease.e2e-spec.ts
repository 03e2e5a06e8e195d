import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, publishMany } from './support.js';
import { DispatcherProcess } from './dispatcher-process.js';
import { Receiver } from './receiver.js';

/** `mesh_webhook_leased_total{by}` of a running dispatcher. */
async function leased(dispatcher: DispatcherProcess, by: 'claim' | 'fan_out'): Promise<number> {
  const res = await request(dispatcher.url).get('/metrics');
  const line = new RegExp(`^mesh_webhook_leased_total\\{by="${by}"\\} (\\d+)`, 'm').exec(res.text);
  return line ? Number(line[1]) : 0;
}

describe('deliveries leased at fan-out, the dispatcher killed with them in flight (real process, nats-server, PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let receiver: Receiver;
  let dispatcher: DispatcherProcess | undefined;
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
    db = await TestDatabase.create('webhook_fresh_lease');
    nc = await connect({ servers: nats.url });
    receiver = await Receiver.start('/hook');
  });

  afterAll(async () => {
    await dispatcher?.kill('SIGKILL');
    await nc?.close();
    await receiver?.close();
    await nats?.close();
    await db?.drop();
  });

  it('sends them again after the restart, with the same webhook-id, and every event reaches the endpoint', async () => {
    dispatcher = await DispatcherProcess.start(env());
    const created = await request(dispatcher.url)
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'fresh', url: receiver.url, eventTypes: ['order.placed'], timeoutMs: 5_000 });
    expect(created.status).toBe(201);

    // A first event goes through the table (a new lane may have a backlog); its short claim shows the lane has none.
    const [first] = await publishMany(nc, 'order.placed', 1);
    await waitFor(() => receiver.distinctDelivered === 1, { timeoutMs: 15_000, message: 'the first event was not delivered' });
    const claimedBefore = await leased(dispatcher, 'claim');

    // Then the endpoint holds every request open: the lane fills its 16 slots with rows leased at fan-out.
    let killed = false;
    receiver.reply = () => (killed ? { status: 200, body: 'ok' } : { status: 200, hang: true });
    const ids = await publishMany(nc, 'order.placed', 20);
    await waitFor(() => receiver.unanswered === 16, { timeoutMs: 15_000, message: 'the lane did not fill its slots' });
    const fanOut = await leased(dispatcher, 'fan_out');
    expect(fanOut).toBeGreaterThanOrEqual(16);
    expect(await leased(dispatcher, 'claim')).toBe(claimedBefore);
    const hung = new Set(receiver.requests.items.filter((r) => r.status === undefined).map((r) => r.headers['webhook-id']));
    expect(hung.size).toBe(16);

    await dispatcher.kill('SIGKILL');
    killed = true;
    dispatcher = await DispatcherProcess.start(env());

    // Their leases end (timeout 5 s + margin 1 s after the insert) and the restarted dispatcher claims and sends them.
    await waitFor(() => receiver.distinctDelivered === 21, { timeoutMs: 45_000, message: 'not every event reached the endpoint after the restart' });
    const delivered = receiver.delivered.items.map((r) => r.headers['webhook-id']);
    expect(new Set(delivered)).toEqual(new Set([first, ...ids]));
    // Each event answered 2xx once; the 16 cut off by the kill were sent once more under their own id, the rest once.
    expect(delivered.length).toBe(21);
    for (const id of ids) expect(receiver.requests.items.filter((r) => r.headers['webhook-id'] === id).length).toBe(hung.has(id) ? 2 : 1);
    // The last 2xx answers may still be on their way to their commit.
    const statuses = async () => (await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY status`)).rows;
    await waitFor(async () => (await statuses()).every((r) => r.status === 'succeeded'), { timeoutMs: 10_000, message: 'outcomes not committed' });
    expect(await statuses()).toEqual([{ status: 'succeeded', n: 21 }]);
    // The attempts cut off by the kill were never recorded: one logged attempt per delivery.
    const attempts = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_attempts`);
    expect(attempts.rows[0].n).toBe(21);
  });
});
