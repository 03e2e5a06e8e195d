import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Webhook } from 'standardwebhooks';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, publishMany } from './support.js';
import { DispatcherProcess } from './dispatcher-process.js';
import { Receiver, type ReceivedRequest } from './receiver.js';

const EVENTS = 1_000;
const MAX_EVENTS = 50;
const TYPE = 'stock.counted';

/**
 * kill -9 while a batch request is open. A batch lane sends one request at a time and claims the
 * next only after the outcome is committed, so at the kill at most one batch per subscription is
 * sent-but-unrecorded: that batch (≤ maxEvents events) is the only thing a restart may send again,
 * under the same webhook-id once its lease ends.
 */
describe('a batched subscription with the dispatcher killed -9 mid-batch (real process, nats-server, PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: DispatcherProcess | undefined;
  let receiver: Receiver;
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
    db = await TestDatabase.create('webhook_batch_crash');
    nc = await connect({ servers: nats.url });
    receiver = await Receiver.start('/batches');
  });

  afterAll(async () => {
    await dispatcher?.kill('SIGKILL');
    await nc?.close();
    await receiver?.close();
    await nats?.close();
    await db?.drop();
  });

  it(`${EVENTS} events in batches of ${MAX_EVENTS}: after kill -9 and a restart every event arrived, every batch verifies, only the batch in flight came twice`, async () => {
    dispatcher = await DispatcherProcess.start(env());
    const sub = (
      await request(dispatcher.url)
        .post('/webhooks/subscriptions')
        .set('X-Api-Key', API_KEY)
        .send({ name: 'batches', url: receiver.url, eventTypes: [TYPE], batch: { maxEvents: MAX_EVENTS, maxWaitMs: 200 }, timeoutMs: 8_000 })
        .expect(201)
    ).body as { id: string; secret: string };

    // The first 5 batches are answered (after a moment, like a real endpoint); the 6th is held open until the kill
    // (its 8 s timeout leaves a busy machine ample time to kill first; the lease it leaves ends 9 s after its claim).
    let killed = false;
    receiver.reply = (n) => (killed || n <= 5 ? { status: 200, body: 'ok', delayMs: 20 } : { status: 200, hang: true });
    const ids = await publishMany(nc, TYPE, EVENTS);
    await waitFor(() => receiver.delivered.items.length === 5 && receiver.requests.items.length === 6, {
      timeoutMs: 20_000,
      intervalMs: 5,
      message: 'the 6th batch was not sent',
    });
    await dispatcher.kill('SIGKILL');
    killed = true;
    const beforeKill = [...receiver.requests.items];
    const inFlight = beforeKill.filter((r) => r.status === undefined);
    expect(inFlight).toHaveLength(1);

    dispatcher = await DispatcherProcess.start(env());
    const wh = new Webhook(sub.secret);
    const eventsOf = (r: ReceivedRequest) => (wh.verify(r.body, r.headers) as { id: string }[]).map((e) => e.id);
    await waitFor(() => new Set(receiver.delivered.items.flatMap(eventsOf)).size === EVENTS, {
      timeoutMs: 30_000,
      message: `not all ${EVENTS} events arrived after the restart`,
    });
    // Every row settled and released (nothing leased or pending left behind by the kill).
    await waitFor(
      async () => (await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded' AND leased_until IS NULL`)).rows[0].n === EVENTS,
      { timeoutMs: 15_000, message: 'not every delivery recorded as succeeded' },
    );
    // Nothing more comes once everything is recorded.
    await new Promise((r) => setTimeout(r, 1_000));

    // Every request (before and after the kill) verifies with standardwebhooks and carries what its size header says.
    const all = receiver.requests.items;
    for (const r of all) expect(eventsOf(r)).toHaveLength(Number(r.headers['webhook-batch-size']));
    const received = receiver.delivered.items.flatMap(eventsOf);
    expect(new Set(received)).toEqual(new Set(ids));
    // The repeats: exactly the batch held open at the kill, sent once more with the same webhook-id and members.
    const byBatch = new Map<string, ReceivedRequest[]>();
    for (const r of all) byBatch.set(r.headers['webhook-id'], [...(byBatch.get(r.headers['webhook-id']) ?? []), r]);
    const repeated = [...byBatch].filter(([, rs]) => rs.length > 1);
    expect(repeated.map(([id, rs]) => [id, rs.length])).toEqual([[inFlight[0].headers['webhook-id'], 2]]);
    const [, [cut, resent]] = repeated[0];
    expect(eventsOf(resent)).toEqual(eventsOf(cut));
    // Bound: repeats ≤ the one batch in flight (≤ maxEvents events); answered batches were not sent again.
    const repeats = received.length - EVENTS;
    expect(repeats).toBe(0); // the cut-off batch was never answered 2xx, so 2xx answers carry each event once
    expect(all.flatMap(eventsOf).length - EVENTS).toBe(eventsOf(cut).length);
    expect(eventsOf(cut).length).toBeLessThanOrEqual(MAX_EVENTS);
    console.log(`batch kill -9: ${all.length} requests for ${byBatch.size} batches; re-sent after the restart: 1 batch of ${eventsOf(cut).length} events`);

    // One row per (subscription, event) and none stuck: all succeeded with their batch id; no attempt logged for the cut-off request.
    const { rows } = await db.query<{ status: string; n: number; batches: number }>(
      `SELECT status, count(*)::int AS n, count(DISTINCT batch_id)::int AS batches FROM webhook_deliveries WHERE subscription_id = $1 GROUP BY status`,
      [sub.id],
    );
    expect(rows).toEqual([{ status: 'succeeded', n: EVENTS, batches: byBatch.size }]);
    const attempts = await db.query<{ n: number; failed: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE response_status IS NULL OR response_status >= 300)::int AS failed FROM webhook_attempts`,
    );
    expect(attempts.rows[0]).toEqual({ n: EVENTS, failed: 0 });
    const subscription = (await request(dispatcher.url).get(`/webhooks/subscriptions/${sub.id}`).set('X-Api-Key', API_KEY).expect(200)).body;
    expect(subscription).toMatchObject({ active: true, consecutiveFailures: 0 });
  });
});
