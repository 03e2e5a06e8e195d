import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { AppProcess, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, publishMany } from './support.js';
import { Receiver } from './receiver.js';

const EVENTS = 1_000;
const ENDPOINTS = 5;
const ENDPOINT_CONCURRENCY = 16;
const TYPE = 'invoice.issued';
/**
 * The documented crash window per endpoint: a lane's requests in flight plus as many answered 2xx
 * whose outcome is not committed yet (a 2xx frees its slot before the commit).
 */
const UNSETTLED_BOUND = 2 * ENDPOINT_CONCURRENCY;

describe('kill -9 mid fan-out repeats only the deliveries whose outcome was not durable (real process, nats-server, PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: AppProcess | undefined;
  const receivers: Receiver[] = [];
  const env = () => ({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    ADMIN_API_KEY: API_KEY,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY),
    WEBHOOK_LEASE_MARGIN: '1s',
    WEBHOOK_POLL_INTERVAL: '200ms',
  });

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_crash_window');
    nc = await connect({ servers: nats.url });
    for (let i = 0; i < ENDPOINTS; i++) receivers.push(await Receiver.start(`/hook-${i}`));
  });

  afterAll(async () => {
    await dispatcher?.kill();
    await nc?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  it(`every event reaches each of ${ENDPOINTS} endpoints by webhook-id; repeats are at most ${UNSETTLED_BOUND} per endpoint: the ${ENDPOINT_CONCURRENCY} in flight and 2xx answers not yet committed`, async () => {
    dispatcher = await AppProcess.start('webhook-dispatcher', { env: env() });
    for (const r of receivers) {
      await request(dispatcher.url).post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: r.url, url: r.url, eventTypes: [TYPE], timeoutMs: 3_000 }).expect(201);
    }
    // Answer at once until frozen; frozen, hold every request open (in flight) until the process dies.
    let frozen = false;
    for (const r of receivers) r.reply = () => (frozen ? { status: 200, hang: true } : { status: 200, body: 'ok' });
    const publishing = publishMany(nc, TYPE, EVENTS);
    await waitFor(() => receivers.every((r) => r.delivered.items.length >= 100), { timeoutMs: 30_000, intervalMs: 5, message: 'the fan-out did not get going' });
    frozen = true;
    // Each lane fills with requests held open. Answers given before this point may still wait for
    // their commit (at most one lane's worth per endpoint): kill -9 here.
    await waitFor(() => receivers.every((r) => r.unanswered === ENDPOINT_CONCURRENCY), { timeoutMs: 30_000, intervalMs: 5, message: 'the lanes did not fill' });
    await dispatcher.kill('SIGKILL');
    const inFlight = receivers.map((r) => new Set(r.requests.items.filter((q) => q.status === undefined).map((q) => q.headers['webhook-id'])));
    const answeredBefore = receivers.map((r) => new Set(r.delivered.items.map((q) => q.headers['webhook-id'])));
    frozen = false;
    await publishing;

    dispatcher = await AppProcess.start('webhook-dispatcher', { env: env() });
    await waitFor(() => receivers.every((r) => r.distinctDelivered === EVENTS), { timeoutMs: 120_000, intervalMs: 200, message: 'not every endpoint got every event' });
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'succeeded'`)).rows[0].n === 0);

    const repeats: number[] = [];
    receivers.forEach((r, i) => {
      const counts = new Map<string, number>();
      for (const q of r.requests.items) counts.set(q.headers['webhook-id'], (counts.get(q.headers['webhook-id']) ?? 0) + 1);
      const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
      repeats.push(repeated.length);
      // Sent again once at most, and only deliveries sent before the kill.
      expect(r.requests.items.length - EVENTS).toBe(repeated.length);
      expect(repeated.every((id) => inFlight[i].has(id) || answeredBefore[i].has(id))).toBe(true);
      // The window: the requests held open, and at most a lane's worth of 2xx answers awaiting their commit.
      const answeredAgain = repeated.filter((id) => answeredBefore[i].has(id)).length;
      expect(answeredAgain).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
      expect(repeated.length).toBeLessThanOrEqual(UNSETTLED_BOUND);
      // 2xx twice only for those answered before the kill whose outcome was lost with the process.
      expect(r.delivered.items.length - EVENTS).toBe(answeredAgain);
      expect(answeredBefore[i].size).toBeGreaterThanOrEqual(100);
    });
    // The figure the README documents.
    process.stdout.write(`crash window: repeats per endpoint ${repeats.join(', ')} (bound ${UNSETTLED_BOUND})\n`);
    const attempts = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_attempts WHERE response_status = 200`);
    expect(attempts.rows[0].n).toBe(EVENTS * ENDPOINTS);
  });
});
