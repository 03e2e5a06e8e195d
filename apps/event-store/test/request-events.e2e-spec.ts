import request from 'supertest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CloudEvent } from '@app/events/internal';
import { ADMIN_KEYS, Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { type RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = ADMIN_KEYS.requestEvents;
const WRONG = ADMIN_KEYS.requestEventsWrong;

interface RequestData {
  method: string;
  route: string;
  status: number;
  durationMs: number;
  exception?: string;
}

describe('request events (ServerLoggingModule) of the event-store, the writer consuming beside them (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let store: RunningEventStore;
  const seen = new Collector<CloudEvent<RequestData>>();
  const saved = process.env.ENABLE_SERVER_LOGGING;

  beforeAll(async () => {
    // Read when the app module is built.
    process.env.ENABLE_SERVER_LOGGING = 'true';
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_request_events');
    nc = await connect({ servers: nats.url });
    nc.subscribe('events.http.>', {
      callback: (err, msg) => {
        if (!err) seen.push(msg.json());
      },
    });
    await nc.flush();
    store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: ADMIN }));
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.ENABLE_SERVER_LOGGING;
    else process.env.ENABLE_SERVER_LOGGING = saved;
    await store?.close();
    await nc?.close();
    await nats?.close();
    await db?.drop();
  });

  const requestEvents = (type: string, route: string) => seen.items.filter((e) => e.type === type && e.data.route === route);
  const find = (type: string, route: string) => waitFor(() => requestEvents(type, route)[0], { timeoutMs: 30_000, intervalMs: 50, message: `no ${type} for ${route}` });

  it('publishes a query as http.request_completed and a missing event as http.request_failed, with the route pattern and the exception class', async () => {
    await request(store.url).get('/events/stats').set('X-Api-Key', ADMIN).expect(200);
    const done = await find('http.request_completed', '/events/stats');
    expect(done).toMatchObject({ source: 'event-store', level: 'info', category: 'Http', data: { method: 'GET', route: '/events/stats', status: 200, durationMs: expect.any(Number) as number } });

    await request(store.url).get('/events/order-4711-missing').set('X-Api-Key', ADMIN).expect(404);
    const failed = await find('http.request_failed', '/events/:id');
    expect(failed).toMatchObject({ level: 'warn', data: { method: 'GET', route: '/events/:id', status: 404, exception: 'NotFoundException' } });
    // The route pattern, never the URL with its ids.
    expect(JSON.stringify(failed)).not.toContain('order-4711-missing');

    // The writer stores the request event like any other: the event path runs beside the middleware.
    const stored = await waitFor(
      async () => {
        const res = await request(store.url).get('/events').query({ type: 'http.request_failed' }).set('X-Api-Key', ADMIN).expect(200);
        return (res.body as { items: { id: string }[] }).items.find((i) => i.id === failed!.id);
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'the writer did not store the http.request_failed event' },
    );
    expect(stored).toBeDefined();
  });

  it('publishes nothing for health probes, metrics scrapes, unmatched paths, and refused keys (those only aggregated, as http.auth_failed)', async () => {
    await request(store.url).get('/health').expect(200);
    await request(store.url).get('/metrics').expect(200);
    await request(store.url).get('/no-such-route/42').expect(404);
    await request(store.url).get('/events/schemas').set('X-Api-Key', WRONG).expect(403);
    // A marker through the same app and connection: once its event is here, the ones above would be too.
    await request(store.url).get('/events/audit').set('X-Api-Key', ADMIN).expect(200);
    await find('http.request_completed', '/events/audit');

    expect(requestEvents('http.request_completed', '/health')).toEqual([]);
    expect(requestEvents('http.request_completed', '/metrics')).toEqual([]);
    expect(seen.items.filter((e) => e.type.startsWith('http.request_') && (e.data.route === 'unmatched' || e.data.status === 403))).toEqual([]);
    const refused = await waitFor(() => seen.items.find((e) => e.type === 'http.auth_failed'), { timeoutMs: 30_000, intervalMs: 50, message: 'no http.auth_failed' });
    expect(refused!.data).toMatchObject({ route: '/events/schemas', reason: 'wrong_key' });
    expect(JSON.stringify(seen.items)).not.toContain(WRONG);
  });
});
