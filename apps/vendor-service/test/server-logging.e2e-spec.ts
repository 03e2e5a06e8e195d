import { randomUUID } from 'node:crypto';
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

  it("publishes the body parser's refusals (413, malformed JSON, 415) under the route they were sent to, never the body, and answers them as before", async () => {
    const secret = 'body-secret-4f1c';
    const failed = (method: string, status: number, what: string) =>
      find((r) => r.event.type === 'http.request_failed' && (r.event.data as { method: string }).method === method && (r.event.data as { status: number }).status === status, what);

    // Over the 100 KiB limit: refused by its Content-Length, before any route is matched.
    const big = await request(service.url).post('/vendors').set('Content-Type', 'application/json').send(JSON.stringify({ name: secret, notes: 'x'.repeat(200 * 1024) }));
    expect(big.status).toBe(413);
    expect((big.body as { message: string }).message).toMatch(/over the limit of 102400 bytes/);
    const tooLarge = await failed('POST', 413, 'http.request_failed for the 413');
    expect(tooLarge!.event).toMatchObject({ level: 'warn', category: 'Http', data: { method: 'POST', route: '/vendors', status: 413, durationMs: expect.any(Number) as number, exception: 'HttpException' } });

    const bad = await request(service.url).post('/vendors').set('Content-Type', 'application/json').send(`{"name": "${secret}",`).expect(400);
    expect(bad.body).toMatchObject({ field: 'body', message: expect.stringContaining('not valid JSON') as string });
    const malformed = await failed('POST', 400, 'http.request_failed for the malformed JSON');
    expect(malformed!.event).toMatchObject({ level: 'warn', data: { method: 'POST', route: '/vendors', status: 400, exception: 'HttpException' } });

    const form = await request(service.url).patch(`/vendors/${randomUUID()}`).set('Content-Type', 'text/plain').send(`name=${secret}`).expect(415);
    expect((form.body as { message: string }).message).toContain('application/json');
    const unsupported = await failed('PATCH', 415, 'http.request_failed for the 415');
    expect(unsupported!.event).toMatchObject({ level: 'warn', data: { method: 'PATCH', route: '/vendors/:id', status: 415, exception: 'HttpException' } });

    // Refused on a path no route serves: nothing, as for any unmatched request. The marker after it
    // goes through the same app and connection: once its event is here, that one would be too.
    await request(service.url).put('/vendors').set('Content-Type', 'application/json').send('{"name":').expect(400);
    await request(service.url).delete(`/vendors/${randomUUID()}`).expect(404);
    await failed('DELETE', 404, 'http.request_failed for the marker');
    expect(events.received.items.filter((r) => (r.event.data as { method?: string }).method === 'PUT')).toEqual([]);
    // Neither the bodies nor anything of them.
    expect(JSON.stringify(events.received.items)).not.toContain(secret);
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
