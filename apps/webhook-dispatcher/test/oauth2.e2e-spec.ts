import request from 'supertest';
import { EventsService } from '@app/events';
import { NatsServerHarness, OAUTH2, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';
import { TokenServer } from './token-server.js';

/** Answers 2xx only to a bearer token the token server accepts, as a resource server would. */
const guarded = (r: Receiver, tokens: TokenServer, graceMs = 0) => {
  r.reply = (_n, req) => (tokens.accepts(req.headers.authorization, graceMs) ? { status: 200, body: 'ok' } : { status: 401, body: 'invalid_token' });
};

describe('webhook OAuth2 client credentials (real nats-server, PostgreSQL, a local token server and receivers)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let events: EventsService;
  let tokens: TokenServer;
  const receivers: Receiver[] = [];
  // One client per test: tokens are cached per set of credentials, so tests do not share one.
  const CLIENTS = { fetch: 'mesh-fetch', renew: 'mesh-renew', refused: 'mesh-refused', failing: 'mesh-failing', patch: 'mesh-patch', tested: 'mesh-tested' };

  const api = () => request(dispatcher.url);
  const receiver = async () => {
    const r = await Receiver.start();
    receivers.push(r);
    return r;
  };
  const credentials = (clientId: string, extra: Record<string, unknown> = {}) => ({ tokenUrl: tokens.url, clientId, clientSecret: OAUTH2.clientSecret, ...extra });
  const subscribe = async (url: string, eventType: string, oauth2: Record<string, unknown>) => {
    const res = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'oauth2', url, eventTypes: [eventType], oauth2 });
    expect(res.status).toBe(201);
    return res.body as { id: string; oauth2: Record<string, unknown> };
  };
  const deliveriesOf = async (subscriptionId: string) =>
    (await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId }).expect(200)).body.items as Array<{
      status: string;
      attempts: number;
      attemptLog: Array<{ error: string | null; responseStatus: number | null; requestHeaders: Record<string, string> }>;
    }>;
  /** The subscription's deliveries once there are `n`, all succeeded. */
  const succeeded = (subscriptionId: string, n: number) =>
    waitFor(async () => {
      const all = await deliveriesOf(subscriptionId);
      expect(all.map((d) => d.status)).toEqual(Array(n).fill('succeeded'));
      return all;
    }, { timeoutMs: 20_000 });
  const tokenRequestsOf = (clientId: string) => tokens.requests.items.filter((t) => Buffer.from(t.authorization.slice('Basic '.length), 'base64').toString().startsWith(`${clientId}:`));

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_oauth2');
    tokens = await TokenServer.start({ ...Object.fromEntries(Object.values(CLIENTS).map((id) => [id, OAUTH2.clientSecret])) });
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db));
    events = dispatcher.app.get(EventsService);
  });

  afterAll(async () => {
    await dispatcher?.close();
    for (const r of receivers) await r.close();
    await tokens?.close();
    await nats?.close();
    await db?.drop();
  });

  it('sends every delivery with a bearer token fetched once and reused; the client secret is masked in every answer', async () => {
    const r = await receiver();
    guarded(r, tokens);
    const s = await subscribe(r.url, 'oauth.fetch', credentials(CLIENTS.fetch, { scope: 'webhooks:write orders:read' }));
    expect(s.oauth2).toEqual({ tokenUrl: tokens.url, clientId: CLIENTS.fetch, clientSecret: '<redacted>', scope: 'webhooks:write orders:read' });

    for (let i = 0; i < 5; i++) await events.publishEvent('oauth.fetch', { i });
    const delivered = await r.delivered.waitForCount(5, 20_000);
    expect(new Set(delivered.map((d) => d.headers.authorization)).size).toBe(1);
    expect(r.requests.items.filter((q) => q.status === 401)).toHaveLength(0);
    const fetched = tokenRequestsOf(CLIENTS.fetch);
    expect(fetched).toHaveLength(1);
    expect(fetched[0].form).toEqual({ grant_type: 'client_credentials', scope: 'webhooks:write orders:read' });

    // Neither the secret nor a token in any answer: the subscription, the list, the attempt log.
    const answers = [
      (await api().get(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).expect(200)).body,
      (await api().get('/webhooks/subscriptions').set('X-Api-Key', API_KEY).expect(200)).body,
      await succeeded(s.id, 5),
    ];
    for (const answer of answers) {
      expect(JSON.stringify(answer)).not.toContain(OAUTH2.clientSecret);
      expect(JSON.stringify(answer)).not.toContain(OAUTH2.accessTokenPrefix);
    }
    const [first] = await deliveriesOf(s.id);
    expect(first.attemptLog[0].requestHeaders.authorization).toBe('<redacted>');
  });

  it('renews a short-lived token before it expires', async () => {
    const r = await receiver();
    // The resource server keeps taking a token 10 s past its expiry: only renewal changes it.
    guarded(r, tokens, 10_000);
    tokens.expiresIn = 2;
    try {
      await subscribe(r.url, 'oauth.renew', credentials(CLIENTS.renew));
      await events.publishEvent('oauth.renew', { n: 1 });
      const [one] = await r.delivered.waitForCount(1, 20_000);
      const issuedAt = Date.now();
      // The token lives 2 s; it is renewed a fifth of that before: wait until it is due for renewal.
      await waitFor(() => Date.now() - issuedAt > 2_000, { timeoutMs: 5_000 });
      await events.publishEvent('oauth.renew', { n: 2 });
      const [, two] = await r.delivered.waitForCount(2, 20_000);
      expect(two.headers.authorization).not.toBe(one.headers.authorization);
      expect(tokenRequestsOf(CLIENTS.renew)).toHaveLength(2);
      expect(r.requests.items.filter((q) => q.status === 401)).toHaveLength(0);
    } finally {
      tokens.expiresIn = 3600;
    }
  });

  it('on a 401 drops the token, fetches a new one and sends again within the same attempt', async () => {
    const r = await receiver();
    guarded(r, tokens);
    const s = await subscribe(r.url, 'oauth.refused', credentials(CLIENTS.refused));
    await events.publishEvent('oauth.refused', { n: 1 });
    await r.delivered.waitForCount(1, 20_000);
    tokens.revokeAll();

    await events.publishEvent('oauth.refused', { n: 2 });
    await r.delivered.waitForCount(2, 20_000);
    const tries = r.requests.items.slice(1);
    expect(tries.map((q) => q.status)).toEqual([401, 200]);
    expect(tries[0].headers.authorization).not.toBe(tries[1].headers.authorization);
    expect(tokenRequestsOf(CLIENTS.refused)).toHaveLength(2);
    const items = await succeeded(s.id, 2);
    // One attempt each: the 401 and its retry with a new token are one attempt against the endpoint.
    expect(items.map((d) => d.attempts)).toEqual([1, 1]);
  });

  it('a token endpoint that fails makes a failed attempt with its reason, retried on the schedule', async () => {
    const r = await receiver();
    guarded(r, tokens);
    const s = await subscribe(r.url, 'oauth.failing', credentials(CLIENTS.failing));
    tokens.failNext = 2;
    await events.publishEvent('oauth.failing', {});
    await r.delivered.waitForCount(1, 20_000);
    const [d] = await succeeded(s.id, 1);
    expect(d.attempts).toBe(3);
    const errors = d.attemptLog.map((a) => a.error);
    expect(errors.filter((e) => e !== null)).toEqual([
      `oauth2: token endpoint ${new URL(tokens.url).host} answered 500 (server_error)`,
      `oauth2: token endpoint ${new URL(tokens.url).host} answered 500 (server_error)`,
    ]);
    expect(r.requests.items).toHaveLength(1);
  });

  it('a refused client is reported as the token endpoint said, without its secret', async () => {
    const r = await receiver();
    const s = await subscribe(r.url, 'oauth.badclient', credentials('mesh-unknown-client'));
    await events.publishEvent('oauth.badclient', {});
    const attempt = await waitFor(async () => (await deliveriesOf(s.id))[0]?.attemptLog[0], { timeoutMs: 20_000 });
    expect(attempt.error).toBe(`oauth2: token endpoint ${new URL(tokens.url).host} answered 401 (invalid_client)`);
    expect(attempt.responseStatus).toBeNull();
    expect(r.requests.items).toHaveLength(0);
  });

  it('PATCH: "<redacted>" keeps the stored secret, a new one replaces it, null removes the credentials', async () => {
    const r = await receiver();
    guarded(r, tokens);
    const s = await subscribe(r.url, 'oauth.patch', credentials(CLIENTS.patch));
    const stored = async () => (await db.query(`SELECT oauth2 FROM webhook_subscriptions WHERE id = $1`, [s.id])).rows[0].oauth2 as Record<string, unknown> | null;
    const patch = (oauth2: unknown) => api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({ oauth2 });

    const kept = await patch({ tokenUrl: tokens.url, clientId: CLIENTS.patch, clientSecret: '<redacted>', scope: 'webhooks:write' }).expect(200);
    expect(kept.body.oauth2).toEqual({ tokenUrl: tokens.url, clientId: CLIENTS.patch, clientSecret: '<redacted>', scope: 'webhooks:write' });
    expect(await stored()).toMatchObject({ clientSecret: OAUTH2.clientSecret, scope: 'webhooks:write' });
    await events.publishEvent('oauth.patch', {});
    await r.delivered.waitForCount(1, 20_000);

    await patch({ tokenUrl: tokens.url, clientId: CLIENTS.patch, clientSecret: 'another-client-secret' }).expect(200);
    expect(await stored()).toMatchObject({ clientSecret: 'another-client-secret', scope: null });
    const removed = await patch(null).expect(200);
    expect(removed.body.oauth2).toBeNull();
    expect(await stored()).toBeNull();
  });

  it('POST /webhooks/test for a subscription with credentials sends its bearer token, shown redacted', async () => {
    const r = await receiver();
    guarded(r, tokens);
    const s = await subscribe(r.url, 'oauth.tested', credentials(CLIENTS.tested));
    const res = await api().post('/webhooks/test').set('X-Api-Key', API_KEY).send({ subscriptionId: s.id }).expect(200);
    expect(res.body).toMatchObject({ delivered: true, response: { status: 200 } });
    expect(res.body.request.headers.authorization).toBe('<redacted>');
    expect(JSON.stringify(res.body)).not.toContain(OAUTH2.accessTokenPrefix);
    expect(tokens.accepts(r.requests.items[0].headers.authorization)).toBe(true);
  });

  it('refuses bad credentials with a 400 naming the field', async () => {
    const post = (oauth2: unknown) => api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'x', url: 'http://127.0.0.1:9/hook', eventTypes: ['*'], oauth2 });
    const cases: Array<[unknown, string]> = [
      [{ tokenUrl: tokens.url, clientId: 'a' }, 'oauth2.clientSecret must be 1 to 500 printable ASCII characters'],
      [{ tokenUrl: 'ftp://auth.example.com/token', clientId: 'a', clientSecret: 'b' }, 'oauth2.tokenUrl must use https (got ftp)'],
      [{ tokenUrl: 'not a url', clientId: 'a', clientSecret: 'b' }, 'oauth2.tokenUrl must be an absolute http(s) URL'],
      [{ tokenUrl: tokens.url, clientId: 'a', clientSecret: 'b', scope: 'a  b' }, 'oauth2.scope must be space-separated scope names'],
      [{ tokenUrl: tokens.url, clientId: 'a', clientSecret: 'b', audience: 'x' }, 'oauth2.audience is not a field'],
      [{ tokenUrl: tokens.url, clientId: 'a', clientSecret: '<redacted>' }, 'oauth2.clientSecret: "<redacted>" keeps a stored secret'],
      ['token', 'oauth2 must be an object'],
    ];
    for (const [oauth2, message] of cases) {
      const res = await post(oauth2);
      expect(res.status).toBe(400);
      expect((res.body.message as string[]).join(' | ')).toContain(message);
    }
  });
});
