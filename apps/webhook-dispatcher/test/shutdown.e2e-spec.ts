import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { AppProcess, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, publishMany } from './support.js';
import { Receiver } from './receiver.js';

const EVENTS = 2_000;
const TYPE = 'order.placed';

describe('the dispatcher stopped with SIGTERM mid fan-out (real process, nats-server, PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: AppProcess | undefined;
  const receivers: Receiver[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    ADMIN_API_KEY: API_KEY,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RETRY_SCHEDULE: '200ms',
    WEBHOOK_POLL_INTERVAL: '200ms',
    ...extra,
  });
  const subscribe = async (url: string, body: Record<string, unknown> = {}) =>
    (await request(dispatcher!.url).post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: url, url, eventTypes: [TYPE], ...body }).expect(201)).body as {
      id: string;
    };
  /** SIGTERM and the time the process took to exit. Nest re-raises the signal once its shutdown hooks have run, so a clean stop ends by SIGTERM. */
  const stop = async (p: AppProcess) => {
    const started = Date.now();
    await p.stop();
    return { ms: Date.now() - started, exit: await p.exited };
  };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_shutdown');
    nc = await connect({ servers: nats.url });
  });

  afterEach(async () => {
    await dispatcher?.kill();
    for (const r of receivers.splice(0)) await r.close();
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.close();
    await db?.drop();
  });

  it('5 always-2xx endpoints, 2,000 events: after SIGTERM and a restart every endpoint has every event, none disabled, exit under 30 s', async () => {
    dispatcher = await AppProcess.start('webhook-dispatcher', { env: env() });
    for (let i = 0; i < 5; i++) receivers.push(await Receiver.start(`/hook-${i}`));
    // Answering takes a moment, so requests are in flight when the signal comes.
    for (const r of receivers) r.reply = () => ({ status: 200, body: 'ok', delayMs: 30 });
    const ids = [];
    for (const r of receivers) ids.push((await subscribe(r.url)).id);

    const publishing = publishMany(nc, TYPE, EVENTS);
    // Signal once every endpoint has answered 20 and requests are out.
    await waitFor(() => receivers.every((r) => r.delivered.items.length >= 20) && receivers.some((r) => r.unanswered > 0), {
      timeoutMs: 30_000,
      intervalMs: 5,
      message: 'the fan-out did not start',
    });
    const { ms, exit } = await stop(dispatcher);
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(ms).toBeLessThan(30_000);
    expect(dispatcher.log).not.toMatch(/UND_ERR_(CLOSED|DESTROYED)/);
    // Every outcome and release committed before the pool closed.
    expect(dispatcher.log).not.toContain('not recorded');
    await publishing;

    dispatcher = await AppProcess.start('webhook-dispatcher', { env: env() });
    await waitFor(() => receivers.every((r) => r.distinctDelivered === EVENTS), {
      timeoutMs: 90_000,
      message: `not every endpoint got all ${EVENTS} events after the restart`,
    });
    expect(receivers.map((r) => r.distinctDelivered)).toEqual([EVENTS, EVENTS, EVENTS, EVENTS, EVENTS]);
    const subs = await db.query<{ active: boolean; consecutive_failures: number }>(`SELECT active, consecutive_failures FROM webhook_subscriptions WHERE id = ANY($1)`, [ids]);
    expect(subs.rows).toEqual(ids.map(() => ({ active: true, consecutive_failures: 0 })));
    // Every logged attempt got an answer: a request the shutdown cut off is not an attempt.
    const failed = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_attempts WHERE response_status IS NULL OR response_status >= 300`);
    expect(failed.rows[0].n).toBe(0);
    const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded'`);
    expect(rows.rows[0].n).toBe(EVENTS * 5);
  });

  it('a request still running when the grace ends is cut off and released: no attempt logged, sent again after a restart', async () => {
    dispatcher = await AppProcess.start('webhook-dispatcher', { env: env({ WEBHOOK_SHUTDOWN_GRACE: '1s' }) });
    const r = await Receiver.start('/hangs');
    receivers.push(r);
    let hang = true;
    r.reply = () => (hang ? { status: 200, hang: true } : { status: 200, body: 'ok' });
    const { id } = await subscribe(r.url, { eventTypes: ['slow.call'], timeoutMs: 30_000 });
    const [eventId] = await publishMany(nc, 'slow.call', 1);
    await r.requests.waitForCount(1, 15_000);

    const { ms, exit } = await stop(dispatcher);
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    // Well before the request's own 30 s timeout.
    expect(ms).toBeLessThan(15_000);
    expect(dispatcher.log).toContain('were cut off; their deliveries were released');
    const [row] = (await db.query(`SELECT status, attempts, leased_until FROM webhook_deliveries WHERE event_id = $1`, [eventId])).rows;
    expect(row).toEqual({ status: 'pending', attempts: 0, leased_until: null });
    expect((await db.query(`SELECT count(*)::int AS n FROM webhook_attempts WHERE event_id = $1`, [eventId])).rows[0].n).toBe(0);

    hang = false;
    dispatcher = await AppProcess.start('webhook-dispatcher', { env: env() });
    // No lease to wait out: the restarted dispatcher sends it at once.
    await r.delivered.waitForCount(1, 10_000);
    const sub = (await request(dispatcher.url).get(`/webhooks/subscriptions/${id}`).set('X-Api-Key', API_KEY).expect(200)).body;
    expect(sub).toMatchObject({ active: true, consecutiveFailures: 0 });
  });
});
