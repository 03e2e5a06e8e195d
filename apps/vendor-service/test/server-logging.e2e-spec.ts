import request from 'supertest';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { collect, plainClient, type Received, type RunningVendorService, startVendorService } from './support.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };

describe('server logger (ServerLoggingModule) in vendor-service: request events (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let service: RunningVendorService;
  let events: { received: { items: Received[] }; stop(): void };
  let closeClient: () => Promise<void>;
  const saved = process.env.ENABLE_SERVER_LOGGING;

  beforeAll(async () => {
    // Read when the app module is built.
    process.env.ENABLE_SERVER_LOGGING = 'true';
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('vendor_server_logging');
    service = await startVendorService({ natsServers: [nats.url], databaseUrl: db.url });
    const { nc } = await plainClient(nats.url);
    closeClient = () => nc.close();
    events = await collect(nc, 'events.http.>');
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.ENABLE_SERVER_LOGGING;
    else process.env.ENABLE_SERVER_LOGGING = saved;
    events?.stop();
    await closeClient?.();
    await service?.app.close();
    await nats?.close();
    await db?.drop();
  });

  const find = (pred: (r: Received) => boolean, what: string) => waitFor(() => events.received.items.find(pred), { ...WAIT, message: `no ${what}` });

  it('publishes a completed request with its route pattern, status and duration, and a failed one with the exception class', async () => {
    await request(service.url).get('/vendors').expect(200);
    const done = await find((r) => r.event.type === 'http.request_completed' && (r.event.data as { route: string }).route === '/vendors', 'http.request_completed');
    expect(done!.event).toMatchObject({ source: 'vendor-service', level: 'info', data: { method: 'GET', route: '/vendors', status: 200, durationMs: expect.any(Number) as number } });

    await request(service.url).post('/vendors').send({ name: 'Logged Market' }).expect(201);
    const created = await find((r) => r.event.type === 'http.request_completed' && (r.event.data as { method: string }).method === 'POST', 'POST http.request_completed');
    expect(created!.event.data).toMatchObject({ route: '/vendors', status: 201 });

    await request(service.url).get('/vendors/not-a-uuid').expect(400);
    const failed = await find((r) => r.event.type === 'http.request_failed', 'http.request_failed');
    expect(failed!.event).toMatchObject({ level: 'warn', data: { method: 'GET', route: '/vendors/:id', status: 400, exception: 'HttpException' } });
    // The route pattern, never the URL with its ids.
    expect(JSON.stringify(failed!.event.data)).not.toContain('not-a-uuid');
  });

  it('with NATS down every request still answers at once, and the request events arrive once it is back', async () => {
    await nats.stop();
    const started = Date.now();
    for (let i = 0; i < 10; i++) await request(service.url).get('/vendors').expect(200);
    const perRequestMs = (Date.now() - started) / 10;
    // The outbox write is not awaited by the request: generous for a loaded machine, far under a NATS timeout.
    expect(perRequestMs).toBeLessThan(1_000);
    // Nothing lost: the events wait in the outbox (PostgreSQL) and leave it once NATS is back.
    const outboxed = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM mesh_outbox WHERE subject LIKE 'events.http.%'`)).rows[0].n;
    await waitFor(async () => (await outboxed()) >= 10 || undefined, { ...WAIT, message: 'the request events were not queued in the outbox while NATS was down' });
    await nats.restart();
    await waitFor(async () => (await outboxed()) === 0 || undefined, { ...WAIT, message: 'the outbox did not deliver the request events once NATS was back' });
  });
});
