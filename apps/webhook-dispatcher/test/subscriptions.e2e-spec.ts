import request from 'supertest';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';

describe('webhook subscriptions API (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let strict: RunningDispatcher;
  const api = () => request(dispatcher.url);
  const valid = { name: 'orders', url: 'http://127.0.0.1:9/hook', eventTypes: ['order.>', 'vendor.created'] };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_subscriptions');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db));
    // The production policy: https only, public addresses only.
    strict = await startDispatcher(dispatcherTestConfig(nats, db, { allowPrivate: false, allowHttp: false }));
  });

  afterAll(async () => {
    await strict?.close();
    await dispatcher?.close();
    await nats?.close();
    await db?.drop();
  });

  it('creates a subscription with defaults and returns its whsec_ secret once', async () => {
    const created = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ ...valid, eventTypes: ['*'] }).expect(201);
    expect(created.body).toMatchObject({
      name: 'orders',
      url: valid.url,
      eventTypes: ['*'],
      filter: null,
      active: true,
      timeoutMs: 10_000,
      maxAttempts: 4,
      rateLimitPerSecond: null,
      headers: {},
      description: null,
      consecutiveFailures: 0,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const fetched = await api().get(`/webhooks/subscriptions/${created.body.id}`).set('X-Api-Key', API_KEY).expect(200);
    expect(fetched.body).not.toHaveProperty('secret');
    expect(JSON.stringify(fetched.body)).not.toContain(created.body.secret);
    const list = await api().get('/webhooks/subscriptions').set('X-Api-Key', API_KEY).expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
  });

  it('updates fields, clears nullable ones and deletes', async () => {
    const { body: s } = await api()
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ ...valid, filter: { total: { gte: 10 } }, rateLimitPerSecond: 5, headers: { 'X-Tenant': 'a' }, description: 'd' })
      .expect(201);
    const patched = await api()
      .patch(`/webhooks/subscriptions/${s.id}`)
      .set('X-Api-Key', API_KEY)
      .send({ name: 'renamed', filter: null, rateLimitPerSecond: null, timeoutMs: 500, eventTypes: ['vendor.*'] })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'renamed', filter: null, rateLimitPerSecond: null, timeoutMs: 500, eventTypes: ['vendor.*'], headers: { 'X-Tenant': '<redacted>' } });
    expect(patched.body).not.toHaveProperty('secret');
    await api().delete(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).expect(204);
    await api().get(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).expect(404);
  });

  it('masks custom header values in every answer, and keeps a stored value that a PATCH sends back masked', async () => {
    const { body: s } = await api()
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ ...valid, headers: { Authorization: 'Bearer top-secret-token', 'X-Tenant': 'a' } })
      .expect(201);
    expect(s.headers).toEqual({ Authorization: '<redacted>', 'X-Tenant': '<redacted>' });
    for (const res of [
      await api().get(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).expect(200),
      await api().get('/webhooks/subscriptions').set('X-Api-Key', API_KEY).expect(200),
    ]) {
      expect(JSON.stringify(res.body)).not.toContain('top-secret-token');
    }
    const patched = await api()
      .patch(`/webhooks/subscriptions/${s.id}`)
      .set('X-Api-Key', API_KEY)
      .send({ headers: { Authorization: '<redacted>', 'X-Tenant': 'b' } })
      .expect(200);
    expect(patched.body.headers).toEqual({ Authorization: '<redacted>', 'X-Tenant': '<redacted>' });
    const { rows } = await db.query<{ headers: Record<string, string> }>('SELECT headers FROM webhook_subscriptions WHERE id = $1', [s.id]);
    expect(rows[0]!.headers).toEqual({ Authorization: 'Bearer top-secret-token', 'X-Tenant': 'b' });
  });

  it('rotates the secret: the new one is returned, the old one stays valid for the grace period', async () => {
    const { body: s } = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send(valid).expect(201);
    const rotated = await api().post(`/webhooks/subscriptions/${s.id}/rotate-secret`).set('X-Api-Key', API_KEY).send({ gracePeriodMs: 60_000 }).expect(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(s.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(50_000);
  });

  it.each([
    [{ ...valid, name: '' }, 'name should not be empty'],
    [{ ...valid, url: undefined }, 'url must be a string'],
    [{ ...valid, url: 'ftp://example.com/x' }, 'url must use https (got ftp)'],
    [{ ...valid, url: 'not a url' }, 'url must be an absolute http(s) URL'],
    [{ ...valid, eventTypes: [] }, 'eventTypes must be a list of 1 to 100 patterns'],
    [{ ...valid, eventTypes: ['vendor.created', 'Vendor Created'] }, 'eventTypes[1]: Invalid event pattern "Vendor Created"'],
    [{ ...valid, filter: { total: { gtx: 1 } } }, 'filter.total: unknown operator "gtx"'],
    [{ ...valid, timeoutMs: 120_000 }, 'timeoutMs must not be greater than 30000'],
    [{ ...valid, timeoutMs: 'fast' }, 'timeoutMs must be an integer number'],
    [{ ...valid, maxAttempts: 0 }, 'maxAttempts must not be less than 1'],
    [{ ...valid, rateLimitPerSecond: 1.5 }, 'rateLimitPerSecond must be an integer number'],
    [{ ...valid, headers: { 'webhook-signature': 'x' } }, 'headers.webhook-signature: set by the dispatcher itself'],
    [{ ...valid, headers: { 'X-A': 1 } }, 'headers.X-A must be a string'],
    [{ ...valid, active: 'yes' }, 'active must be a boolean value'],
    [{ ...valid, secret: 'whsec_mine' }, 'property secret should not exist'],
  ])('refuses a bad body with a 400 naming the field (%#)', async (body, message) => {
    const res = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send(body).expect(400);
    expect(res.body.message.join('\n')).toContain(message);
  });

  it('refuses an empty PATCH and a bad id', async () => {
    const { body: s } = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send(valid).expect(201);
    const empty = await api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({}).expect(400);
    expect(empty.body.message).toEqual([expect.stringContaining('the body must set at least one of: name, url')]);
    const bad = await api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({ url: null }).expect(400);
    expect(bad.body.message.join()).toContain('url must be a string');
    await api().get('/webhooks/subscriptions/not-a-uuid').set('X-Api-Key', API_KEY).expect(400);
  });

  it('refuses an X-Audit-Actor that is not printable ASCII, naming the header, and changes nothing', async () => {
    const before = (await api().get('/webhooks/subscriptions?limit=100').set('X-Api-Key', API_KEY).expect(200)).body.items.length as number;
    const bad = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).set('X-Audit-Actor', 'mcp:caf\u00e9-bot').send(valid).expect(400);
    expect(JSON.stringify(bad.body)).toContain('X-Audit-Actor must be 1 to 200 printable ASCII characters');
    expect((await api().get('/webhooks/subscriptions?limit=100').set('X-Api-Key', API_KEY).expect(200)).body.items).toHaveLength(before);
    const { body: s } = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).set('X-Audit-Actor', 'mcp:ops-bot').send(valid).expect(201);
    await api().patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).set('X-Audit-Actor', 'x'.repeat(201)).send({ active: false }).expect(400);
    expect((await api().get(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).expect(200)).body.active).toBe(true);
  });

  it('needs the API key for writes', async () => {
    await api().post('/webhooks/subscriptions').send(valid).expect(401);
    await api().post('/webhooks/subscriptions').set('X-Api-Key', 'wrong').send(valid).expect(403);
    await api().get('/webhooks/subscriptions').expect(401);
  });

  describe('SSRF policy when private targets are not allowed', () => {
    it.each([
      ['http://127.0.0.1/hook', 'https'],
      ['https://127.0.0.1/hook', '127.0.0.1 is a loopback address'],
      ['https://localhost/hook', 'localhost resolves to a non-public address'],
      ['https://10.0.0.7/hook', '10.0.0.7 is a private address'],
      ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is a linkLocal address'],
      ['https://[::ffff:192.168.0.1]/hook', '192.168.0.1 is a private address'],
      ['https://[fd00:ec2::254]/hook', 'uniqueLocal'],
      ['https://user:pw@example.com/hook', 'must not contain credentials'],
    ])('refuses %s', async (url, message) => {
      const res = await request(strict.url).post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ ...valid, url }).expect(400);
      expect(res.body.message.join()).toContain(message);
    });

    it('checks a changed url too', async () => {
      const { body: s } = await request(strict.url)
        .post('/webhooks/subscriptions')
        .set('X-Api-Key', API_KEY)
        .send({ ...valid, url: 'https://93.184.216.34/hook' })
        .expect(201);
      const res = await request(strict.url).patch(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).send({ url: 'https://192.168.1.1/x' }).expect(400);
      expect(res.body.message.join()).toContain('192.168.1.1 is a private address');
    });
  });
});
