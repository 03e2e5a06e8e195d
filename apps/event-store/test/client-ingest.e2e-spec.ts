import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import type { CloudEvent } from '@app/events/internal';
import { ADMIN_KEYS, Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = ADMIN_KEYS.clientIngest;
const SHOP = 'https://shop.example.com';
const KEY_LIMIT = 20;
const IP_LIMIT = 60;
const WAIT = { timeoutMs: 60_000 };

interface CreatedKey {
  id: string;
  key: string;
  name: string;
  keyPrefix: string;
  origins: string[];
  types: string[];
  revokedAt: string | null;
}

describe('event-store browser ingest with public client keys (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let nc: NatsConnection;
  const audits = new Collector<CloudEvent<{ action: string; target: { id?: string }; after?: Record<string, unknown> }>>();
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    // The limits are read from the environment when the app module is built.
    for (const [name, value] of [
      ['CLIENT_INGEST_RATE_LIMIT_PER_MINUTE', String(KEY_LIMIT)],
      ['CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE', String(IP_LIMIT)],
    ]) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_client_ingest');
    store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: ADMIN }));
    nc = await connect({ servers: nats.url });
    nc.subscribe('events.audit.>', {
      callback: (err, msg) => {
        if (!err) audits.push(msg.json());
      },
    });
    await nc.flush();
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await nc?.close();
    await store?.close();
    await nats?.close();
    await db?.drop();
  });

  const admin = () => ({
    post: (path: string, body: object) => request(store.url).post(path).set('X-Api-Key', ADMIN).send(body),
    get: (path: string) => request(store.url).get(path).set('X-Api-Key', ADMIN),
    delete: (path: string) => request(store.url).delete(path).set('X-Api-Key', ADMIN),
  });

  async function createKey(name: string, types = ['web.*'], origins = [SHOP]): Promise<CreatedKey> {
    const res = await admin().post('/events/client-keys', { name, origins, types });
    expect(res.status).toBe(201);
    return res.body as CreatedKey;
  }

  /** A beacon as `navigator.sendBeacon` sends it: a string body, so `text/plain`, with the page's Origin. */
  const beacon = (key: string, events: unknown[], origin = SHOP) =>
    request(store.url).post(`/events/client?key=${encodeURIComponent(key)}`).set('Origin', origin).set('Content-Type', 'text/plain;charset=UTF-8').send(JSON.stringify({ events }));

  it('creates a key (shown once, audited without it), lists it by prefix only, and refuses a bad origin naming the field', async () => {
    const created = await createKey('shop-web');
    expect(created.key).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
    expect(created).toMatchObject({ name: 'shop-web', origins: [SHOP], types: ['web.*'], revokedAt: null, keyPrefix: created.key.slice(0, 10) });

    const list = await admin().get('/events/client-keys');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(created.key);
    expect((list.body as { items: CreatedKey[] }).items.map((k) => k.name)).toContain('shop-web');

    const audit = await waitFor(() => audits.items.find((a) => a.data.action === 'client_key_created' && a.data.target.id === created.id), { ...WAIT, message: 'no audit.client_key_created' });
    expect(audit!.type).toBe('audit.client_key_created');
    expect(JSON.stringify(audit)).not.toContain(created.key);

    const bad = await admin().post('/events/client-keys', { name: 'bad-origin', origins: ['https://shop.example.com/app'], types: ['web.*'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'origins' });
    expect((bad.body as { message: string[] }).message).toContain('origins[0] "https://shop.example.com/app" is not an origin as browsers send it: use "https://shop.example.com" (no path, no trailing slash)');
    const taken = await admin().post('/events/client-keys', { name: 'shop-web', origins: [SHOP], types: ['web.*'] });
    expect(taken.status).toBe(409);
    expect((await request(store.url).post('/events/client-keys').send({ name: 'x', origins: [SHOP], types: ['web.*'] })).status).toBe(401);
  });

  it('takes a text/plain beacon from an allowed origin: CORS for that origin, source forced to client, the page fields kept', async () => {
    const { key } = await createKey('shop-beacon');
    const res = await beacon(key, [
      { type: 'web.user_action', data: { action: 'add_to_cart', sku: 'A-1' }, sessionId: 'sess-1', url: `${SHOP}/cart`, userAgent: 'Mozilla/5.0 test' },
      { type: 'web.error', level: 'error', data: { message: 'boom' }, userMessage: 'Something went wrong, please retry', audience: 'user', sessionId: 'sess-1', url: `${SHOP}/cart` },
    ]);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    expect(res.headers['vary']).toMatch(/Origin/);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 0 });
    const ids = (res.body as { results: { id: string }[] }).results.map((r) => r.id);

    for (const id of ids) {
      const stored = await waitFor(
        async () => {
          const r = await admin().get(`/events/${encodeURIComponent(id)}`);
          return r.status === 200 ? (r.body as Record<string, unknown>) : undefined;
        },
        { ...WAIT, message: `event ${id} was not stored` },
      );
      expect(stored).toMatchObject({ source: 'client', clientkey: 'shop-beacon', sessionid: 'sess-1', pageurl: `${SHOP}/cart` });
    }
    const error = (await admin().get(`/events/${encodeURIComponent(ids[1])}`)).body as Record<string, unknown>;
    expect(error).toMatchObject({ level: 'error', usermessage: 'Something went wrong, please retry', audience: 'user' });
    // text/plain is taken on the client route only: the admin ingest still wants JSON.
    const plainAdmin = await request(store.url).post('/events/batch').set('X-Api-Key', ADMIN).set('Content-Type', 'text/plain').send(JSON.stringify({ events: [{ type: 'web.x', data: {} }] }));
    expect(plainAdmin.status).toBe(415);
    const bySource = await admin().get('/events?source=client&type=web.user_action');
    expect((bySource.body as { items: { id: string }[] }).items.map((i) => i.id)).toContain(ids[0]);
  });

  it('refuses per item what a page may not set: a server field, a type outside the key, a bad page field', async () => {
    const { key } = await createKey('shop-items');
    const res = await beacon(key, [
      { type: 'web.ok', data: {} },
      { type: 'web.ok', data: {}, source: 'billing-service' },
      { type: 'payment.captured', data: {} },
      { type: 'web.ok', data: {}, sessionId: 42 },
    ]);
    expect(res.status).toBe(200);
    const results = (res.body as { results: { ok: boolean; errors?: string[] }[] }).results;
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false]);
    expect(results[1].errors).toEqual(['source: is set by the event-store for client events; leave it out']);
    expect(results[2].errors).toEqual(['type: "payment.captured" is not allowed for client key "shop-items"; it accepts web.*']);
    expect(results[3].errors).toEqual(['sessionId: must be a non-empty string of at most 200 characters']);

    const none = await beacon(key, [{ type: 'payment.captured', data: {} }]);
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ field: 'events[0].type' });
  });

  it('refuses another origin, a missing origin and an unknown key, with no CORS grant; answers preflights for allowed origins only', async () => {
    const { key } = await createKey('shop-cors');
    const evil = await beacon(key, [{ type: 'web.x', data: {} }], 'https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect((evil.body as { message: string }).message).toBe(`Origin: https://evil.example is not allowed for client key "shop-cors"; it allows ${SHOP}`);

    const noOrigin = await request(store.url).post(`/events/client?key=${key}`).send({ events: [{ type: 'web.x', data: {} }] });
    expect(noOrigin.status).toBe(403);
    expect((await beacon('pk_unknown', [{ type: 'web.x', data: {} }])).status).toBe(401);
    expect((await request(store.url).post('/events/client').set('Origin', SHOP).send({ events: [] })).status).toBe(401);

    const preflight = (origin: string, path = `/events/client?key=${key}`) =>
      request(store.url).options(path).set('Origin', origin).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type');
    const ok = await preflight(SHOP);
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': SHOP, 'access-control-allow-methods': 'POST' });
    expect(ok.headers['access-control-allow-headers']).toMatch(/Content-Type/);
    expect((await preflight(SHOP, '/events/client')).status).toBe(204);
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.body).toMatchObject({ statusCode: 403, message: expect.stringContaining('origin https://evil.example') as string });

    // JSON from fetch() works the same once the preflight passed.
    const json = await request(store.url).post('/events/client').set('Origin', SHOP).set('X-Client-Key', key).send({ events: [{ type: 'web.x', data: {} }] });
    expect(json.status).toBe(200);
    expect(json.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it('refuses a revoked key at once (audited with before and after), and its origin no longer passes a preflight', async () => {
    const created = await createKey('shop-revoked', ['web.*'], ['https://old.example']);
    expect((await beacon(created.key, [{ type: 'web.x', data: {} }], 'https://old.example')).status).toBe(200);
    const revoked = await admin().delete(`/events/client-keys/${created.id}`);
    expect(revoked.status).toBe(200);
    expect((revoked.body as CreatedKey).revokedAt).toEqual(expect.any(String));

    const after = await beacon(created.key, [{ type: 'web.x', data: {} }], 'https://old.example');
    expect(after.status).toBe(403);
    expect((after.body as { message: string }).message).toMatch(/^key: client key "shop-revoked" was revoked at /);
    expect((await request(store.url).options('/events/client').set('Origin', 'https://old.example')).status).toBe(403);
    expect((await admin().delete(`/events/client-keys/${created.id}`)).status).toBe(404);
    expect((await admin().delete('/events/client-keys/not-a-uuid')).status).toBe(400);

    const audit = await waitFor(() => audits.items.find((a) => a.data.action === 'client_key_revoked' && a.data.target.id === created.id), { ...WAIT, message: 'no audit.client_key_revoked' });
    expect(audit!.data.after).toMatchObject({ revokedAt: expect.any(String) });
  });

  it('rate-limits a flood per key, and per client address across keys, with 429 and Retry-After', async () => {
    const { key } = await createKey('shop-flood');
    const ten = Array.from({ length: 10 }, (_, i) => ({ type: 'web.flood', data: { i } }));
    expect((await beacon(key, ten)).status).toBe(200);
    expect((await beacon(key, ten)).status).toBe(200);
    const byKey = await beacon(key, ten);
    expect(byKey.status).toBe(429);
    expect(Number(byKey.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(byKey.headers['access-control-allow-origin']).toBe(SHOP);
    expect((byKey.body as { message: string }).message).toContain(`Rate limit of ${KEY_LIMIT} events per minute for client key "shop-flood" (CLIENT_INGEST_RATE_LIMIT_PER_MINUTE)`);

    // Fresh keys, each under its own limit, until the address's allowance is spent.
    let last: request.Response | undefined;
    for (let n = 0; n < IP_LIMIT / 10 + 1; n++) {
      last = await beacon((await createKey(`shop-flood-${n}`)).key, ten);
      if (last.status !== 200) break;
    }
    expect(last!.status).toBe(429);
    expect((last!.body as { message: string }).message).toContain(`Rate limit of ${IP_LIMIT} events per minute per client address (CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE)`);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
