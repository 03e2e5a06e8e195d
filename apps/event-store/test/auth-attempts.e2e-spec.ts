import request from 'supertest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CloudEvent } from '@app/events/internal';
import { ADMIN_KEYS, Collector, NatsServerHarness, TestDatabase } from '@app/testing';
import { type RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = ADMIN_KEYS.authAttempts;
const WRONG = ADMIN_KEYS.authAttemptsWrong;
const SHOP = 'https://shop.example.com';

interface AuthFailed {
  method: string;
  route: string;
  reason: string;
  remote: string;
  count: number;
  window_start: string;
  window_end: string | null;
}

/** Sets environment variables for the next app start (they are read when its module is built); returns the undo. */
function withEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

describe('logging switches and refused API keys as aggregated http.auth_failed events, in the event-store (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  const failures = new Collector<CloudEvent<AuthFailed>>();
  const markers = new Collector<CloudEvent>();

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_auth_attempts');
    nc = await connect({ servers: nats.url });
    nc.subscribe('events.http.auth_failed', {
      callback: (err, msg) => {
        if (!err) failures.push(msg.json());
      },
    });
    nc.subscribe('events.test.marker', {
      callback: (err, msg) => {
        if (!err) markers.push(msg.json());
      },
    });
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.close();
    await db?.drop();
  });

  /** Starts an event-store with these variables set while it is built, runs `body`, and closes it. */
  async function withStore(vars: Record<string, string>, extra: Parameters<typeof storeTestConfig>[2], body: (store: RunningEventStore) => Promise<void>): Promise<void> {
    const restore = withEnv(vars);
    let store: RunningEventStore | undefined;
    try {
      store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: ADMIN, ...extra }));
      await body(store);
    } finally {
      restore();
      await store?.close();
    }
  }

  /** Published after the requests under test through the same app and connection: once it is here, their events would be too. */
  async function marker(store: RunningEventStore): Promise<void> {
    const before = markers.items.length;
    await request(store.url).post('/events').set('X-Api-Key', ADMIN).send({ type: 'test.marker', data: {} }).expect(200);
    await markers.waitForCount(before + 1, 30_000);
  }

  it('publishes the first refusal per address and route at once, then one event per window with the count; never the key', async () => {
    await withStore({ ENABLE_SERVER_LOGGING: 'true', SERVER_LOGGING_AUTH_WINDOW: '2s' }, {}, async (store) => {
      await request(store.url).get('/events/client-keys').expect(401);
      const [first] = await failures.waitForCount(1, 30_000);
      expect(first).toMatchObject({ source: 'event-store', level: 'warn', audience: 'admin', category: 'Security' });
      expect(first.data).toMatchObject({ method: 'GET', route: '/events/client-keys', reason: 'missing_key', count: 1, window_end: null });
      expect(first.data.remote).toMatch(/127\.0\.0\.1/);

      // Five more from the same address and route inside the window: one event with count 5 at its end.
      for (let i = 0; i < 5; i++) await request(store.url).get('/events/client-keys').set('X-Api-Key', WRONG).expect(403);
      // Another route is another source: reported at once.
      await request(store.url).delete('/events/client-keys/00000000-0000-7000-8000-000000000000').set('X-Api-Key', WRONG).expect(403);
      const all = await failures.waitForCount(3, 30_000);
      const summary = all.find((e) => e.data.count === 5);
      expect(summary?.data).toMatchObject({ method: 'GET', route: '/events/client-keys', reason: 'wrong_key', window_end: expect.any(String) as string });
      expect(all.find((e) => e.data.route === '/events/client-keys/:id')?.data).toMatchObject({ method: 'DELETE', reason: 'wrong_key', count: 1 });
      expect(JSON.stringify(all)).not.toContain(WRONG);
      // A let-through request is no attempt: the window above counted 5, not 6.
      await request(store.url).get('/events/client-keys').set('X-Api-Key', ADMIN).expect(200);
    });
    // Closing flushed nothing more: each window had been reported.
    expect(failures.items.filter((e) => e.data.route === '/events/client-keys').map((e) => e.data.count)).toEqual([1, 5]);
  });

  it('ENABLE_EVENT_LOGGING off silences the refusals although ENABLE_SERVER_LOGGING is on, and refuses browser events naming the switch', async () => {
    await withStore({ ENABLE_SERVER_LOGGING: 'true', SERVER_LOGGING_AUTH_WINDOW: '2s' }, { enableEventLogging: false }, async (store) => {
      const before = failures.items.length;
      await request(store.url).get('/events/stats').set('X-Api-Key', WRONG).expect(403);
      await marker(store);
      expect(failures.items.length).toBe(before);

      const created = await request(store.url).post('/events/client-keys').set('X-Api-Key', ADMIN).send({ name: 'shop-master-off', origins: [SHOP], types: ['client.*'] }).expect(201);
      const res = await request(store.url)
        .post(`/events/client?key=${(created.body as { key: string }).key}`)
        .set('Origin', SHOP)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ events: [{ type: 'client.user_action', data: {} }] }));
      // A 4xx the page may read (CORS for its origin), which the SDK does not resend.
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBe(SHOP);
      expect((res.body as { message: string }).message).toContain('ENABLE_EVENT_LOGGING=false');
    });
  });

  it('ENABLE_CLIENT_LOGGING off refuses browser events naming it, while admin ingest goes on; ENABLE_SERVER_LOGGING off publishes no refusal', async () => {
    await withStore({ ENABLE_CLIENT_LOGGING: 'false', ENABLE_SERVER_LOGGING: 'false' }, {}, async (store) => {
      const before = failures.items.length;
      await request(store.url).get('/events/stats').expect(401);
      await marker(store);
      expect(failures.items.length).toBe(before);

      const created = await request(store.url).post('/events/client-keys').set('X-Api-Key', ADMIN).send({ name: 'shop-client-off', origins: [SHOP], types: ['client.*'] }).expect(201);
      const res = await request(store.url)
        .post(`/events/client?key=${(created.body as { key: string }).key}`)
        .set('Origin', SHOP)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ events: [{ type: 'client.user_action', data: {} }] }));
      expect(res.status).toBe(403);
      expect((res.body as { message: string }).message).toContain('ENABLE_CLIENT_LOGGING=false');
    });
  });
});
