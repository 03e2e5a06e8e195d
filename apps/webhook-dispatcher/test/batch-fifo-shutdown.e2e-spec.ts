import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Webhook } from 'standardwebhooks';
import { AppProcess, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, publishMany } from './support.js';
import { Receiver } from './receiver.js';

const EVENTS = 1_000;
const KEYS = 10;
const TYPE = 'shipment.moved';

interface Shipment {
  key: string;
  n: number;
}

/**
 * SIGTERM while a batched and a fifo subscription both have requests open: shutdown lets them
 * finish and commit, so after a restart nothing is lost, nothing is sent twice, no subscription
 * counts a failure, and each key's events reach the fifo endpoint in publishing order.
 */
describe('batched and fifo subscriptions with the dispatcher stopped by SIGTERM mid-load (real process, nats-server, PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: AppProcess | undefined;
  let batched: Receiver;
  let fifo: Receiver;
  const env = (extra: Record<string, string> = {}) => ({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    ADMIN_API_KEY: API_KEY,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RETRY_SCHEDULE: '200ms',
    WEBHOOK_POLL_INTERVAL: '200ms',
    ...extra,
  });
  const subscribe = async (url: string, body: Record<string, unknown>) =>
    (await request(dispatcher!.url).post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: url, url, eventTypes: [TYPE], ...body }).expect(201)).body as {
      id: string;
      secret: string;
    };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_batch_fifo_shutdown');
    nc = await connect({ servers: nats.url });
    batched = await Receiver.start('/batched');
    fifo = await Receiver.start('/fifo');
  });

  afterEach(async () => {
    await dispatcher?.kill();
  });

  afterAll(async () => {
    await nc?.close();
    await batched?.close();
    await fifo?.close();
    await nats?.close();
    await db?.drop();
  });

  it(`${EVENTS} events over ${KEYS} keys: after SIGTERM (exit < 30 s) and a restart, each event once per endpoint, fifo order per key kept, none disabled`, async () => {
    dispatcher = await AppProcess.start('webhook-dispatcher', { env: env() });
    const b = await subscribe(batched.url, { batch: { maxEvents: 50, maxWaitMs: 200 } });
    const f = await subscribe(fifo.url, { ordering: 'fifo', orderingKey: 'data.key' });
    // Answering takes a moment, so requests are open when the signal comes.
    for (const r of [batched, fifo]) r.reply = () => ({ status: 200, body: 'ok', delayMs: 30 });

    // Groups of KEYS publishes, one per key, each group after the last: per key, the stream order is n's order.
    const publishing = publishMany(nc, TYPE, EVENTS, { data: (i): Shipment => ({ key: `k${i % KEYS}`, n: i }), inFlight: KEYS });
    await waitFor(() => batched.delivered.items.length >= 3 && fifo.delivered.items.length >= 50 && batched.unanswered > 0 && fifo.unanswered > 0, {
      timeoutMs: 30_000,
      intervalMs: 5,
      message: 'both subscriptions did not get going',
    });
    const started = Date.now();
    await dispatcher.stop();
    const ms = Date.now() - started;
    // Nest re-raises the signal once its shutdown hooks have run: a clean stop ends by SIGTERM.
    expect(await dispatcher.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(ms).toBeLessThan(30_000);
    expect(dispatcher.log).not.toContain('not recorded');
    expect(dispatcher.log).not.toContain('were cut off');
    const atStop = { batched: batched.requests.items.length, fifo: fifo.requests.items.length };
    // Every request open at the signal was answered before the process exited.
    expect([batched.unanswered, fifo.unanswered]).toEqual([0, 0]);
    const ids = await publishing;

    dispatcher = await AppProcess.start('webhook-dispatcher', { env: env() });
    const wh = new Webhook(b.secret);
    const batchedEvents = () => batched.delivered.items.flatMap((r) => wh.verify(r.body, r.headers) as { id: string }[]);
    await waitFor(() => batchedEvents().length >= EVENTS && fifo.delivered.items.length >= EVENTS, {
      timeoutMs: 60_000,
      message: `not all ${EVENTS} events reached both endpoints after the restart`,
    });
    await waitFor(
      async () => (await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded' AND leased_until IS NULL`)).rows[0].n === 2 * EVENTS,
      { timeoutMs: 15_000, message: 'not every delivery recorded as succeeded' },
    );
    // Nothing more comes once everything is recorded.
    await new Promise((r) => setTimeout(r, 1_000));
    console.log(`batch+fifo SIGTERM: exit after ${ms} ms; requests before the stop: batched ${atStop.batched}, fifo ${atStop.fifo}`);
    expect(atStop.batched).toBeGreaterThan(0);
    expect(atStop.fifo).toBeLessThan(EVENTS);

    // Batched: each event exactly once (no batch was cut off, so none was re-sent).
    expect(batched.requests.items.every((r) => r.status === 200)).toBe(true);
    expect(batchedEvents().map((e) => e.id).sort()).toEqual([...ids].sort());

    // Fifo: every request answered 2xx, each event once, and per key strictly increasing n across the restart.
    expect(fifo.requests.items.every((r) => r.status === 200)).toBe(true);
    const shipments = fifo.requests.items.map((r) => JSON.parse(r.body) as { id: string; data: Shipment });
    expect(shipments.map((s) => s.id).sort()).toEqual([...ids].sort());
    for (let k = 0; k < KEYS; k++) {
      const ns = shipments.filter((s) => s.data.key === `k${k}`).map((s) => s.data.n);
      expect(ns).toEqual(Array.from({ length: EVENTS / KEYS }, (_, i) => i * KEYS + k));
    }

    const subs = await db.query<{ active: boolean; consecutive_failures: number }>(`SELECT active, consecutive_failures FROM webhook_subscriptions WHERE id = ANY($1) ORDER BY id`, [[b.id, f.id]]);
    expect(subs.rows).toEqual([
      { active: true, consecutive_failures: 0 },
      { active: true, consecutive_failures: 0 },
    ]);
    const failed = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_attempts WHERE response_status IS NULL OR response_status >= 300`);
    expect(failed.rows[0].n).toBe(0);
  });

  it('fifo requests still open when the grace ends are cut off and released: each is sent again first, its key stays in order', async () => {
    const KEYS_CUT = 3;
    const PER_KEY = 10;
    const r = await Receiver.start('/fifo-cut');
    try {
      dispatcher = await AppProcess.start('webhook-dispatcher', { env: env({ WEBHOOK_SHUTDOWN_GRACE: '1s' }) });
      const type = 'shipment.cut';
      const { id } = await subscribe(r.url, { eventTypes: [type], ordering: 'fifo', orderingKey: 'data.key', timeoutMs: 30_000 });
      // Each key's first 3 go through; its 4th hangs until the dispatcher is gone.
      let stopped = false;
      r.reply = (_n, req) => ((JSON.parse(req.body) as { data: Shipment }).data.n < 3 * KEYS_CUT || stopped ? { status: 200, body: 'ok' } : { status: 200, hang: true });
      await publishMany(nc, type, KEYS_CUT * PER_KEY, { data: (i): Shipment => ({ key: `c${i % KEYS_CUT}`, n: i }), inFlight: KEYS_CUT });
      await waitFor(() => r.unanswered === KEYS_CUT, { timeoutMs: 20_000, message: 'not every key had a request open' });

      const started = Date.now();
      await dispatcher.stop();
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(dispatcher.log).toContain('were cut off; their deliveries were released');
      const cut = r.requests.items.filter((q) => q.status === undefined).map((q) => q.headers['webhook-id']);
      expect(cut).toHaveLength(KEYS_CUT);
      stopped = true;

      dispatcher = await AppProcess.start('webhook-dispatcher', { env: env() });
      await waitFor(() => r.distinctDelivered === KEYS_CUT * PER_KEY, { timeoutMs: 30_000, message: 'not every event delivered after the restart' });
      const sent = r.requests.items.map((q) => ({ id: q.headers['webhook-id'], ...(JSON.parse(q.body) as { data: Shipment }).data }));
      for (let k = 0; k < KEYS_CUT; k++) {
        const ofKey = sent.filter((q) => q.key === `c${k}`);
        // In order; the only repeat is the cut-off request, sent again right after itself.
        const expected = Array.from({ length: PER_KEY }, (_, i) => i * KEYS_CUT + k);
        expected.splice(3, 0, 3 * KEYS_CUT + k);
        expect(ofKey.map((q) => q.n)).toEqual(expected);
        expect(cut).toContain(ofKey[3].id);
      }
      // The cut-off requests were no attempts: one logged attempt per delivery, none failed; the subscription is untouched.
      const attempts = await db.query<{ n: number; ok: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE response_status = 200)::int AS ok FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.subscription_id = $1`,
        [id],
      );
      expect(attempts.rows[0]).toEqual({ n: KEYS_CUT * PER_KEY, ok: KEYS_CUT * PER_KEY });
      const [sub] = (await db.query(`SELECT active, consecutive_failures FROM webhook_subscriptions WHERE id = $1`, [id])).rows;
      expect(sub).toEqual({ active: true, consecutive_failures: 0 });
    } finally {
      await r.close();
    }
  });
});
