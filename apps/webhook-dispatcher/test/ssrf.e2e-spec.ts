import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { EventsService } from '@app/events';
import { NatsServerHarness, OAUTH2, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';

describe('SSRF policy at delivery time (private targets not allowed)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let receiver: Receiver;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_ssrf');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, { allowPrivate: false, allowHttp: true, defaultMaxAttempts: 1 }));
    receiver = await Receiver.start();
  });

  afterAll(async () => {
    await dispatcher?.close();
    await receiver?.close();
    await nats?.close();
    await db?.drop();
  });

  /**
   * A subscription saved while its name resolved to a public address, whose DNS now points at
   * this machine: written straight to the table, as the API would refuse it today.
   */
  const savedEarlier = async (url: string, eventType: string, oauth2: object | null = null) => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO webhook_subscriptions (id, name, url, event_types, timeout_ms, max_attempts, secret, oauth2)
       VALUES ($1, 'rebound', $2, $3, 2000, 1, $4, $5)`,
      [id, url, [eventType], `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`, oauth2],
    );
    return id;
  };

  const attemptOf = (subscriptionId: string) =>
    waitFor(async () => {
      const [d] = (await request(dispatcher.url).get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId }).expect(200)).body.items;
      return d?.status === 'failed' && d.attemptLog[0];
    }, { timeoutMs: 10_000 });

  it('refuses to connect when the name now resolves to a loopback address (DNS rebinding)', async () => {
    const id = await savedEarlier(receiver.url.replace('127.0.0.1', 'localhost'), 'rebind.name');
    await dispatcher.app.get(EventsService).publishEvent('rebind.name', {});
    const attempt = await attemptOf(id);
    expect(attempt.error).toMatch(/refused to connect to localhost: (127\.0\.0\.1|::1) is a loopback address/);
    expect(attempt.responseStatus).toBeNull();
    expect(receiver.requests.items).toHaveLength(0);
  });

  it('refuses a literal private address at delivery', async () => {
    const id = await savedEarlier(receiver.url, 'rebind.literal');
    await dispatcher.app.get(EventsService).publishEvent('rebind.literal', {});
    expect((await attemptOf(id)).error).toContain('refused to connect: 127.0.0.1 is a loopback address');
    expect(receiver.requests.items).toHaveLength(0);
  });

  it('refuses private targets at creation and in POST /webhooks/test', async () => {
    const created = await request(dispatcher.url)
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'x', url: receiver.url, eventTypes: ['*'] })
      .expect(400);
    expect(created.body.message.join()).toContain('127.0.0.1 is a loopback address');
    const tested = await request(dispatcher.url).post('/webhooks/test').set('X-Api-Key', API_KEY).send({ url: receiver.url.replace('127.0.0.1', 'localhost') }).expect(400);
    expect(tested.body.message.join()).toContain('resolves to a non-public address');
    expect(receiver.requests.items).toHaveLength(0);
  });

  it('holds an OAuth2 token URL to the same policy: refused at creation and at delivery', async () => {
    const oauth2 = { tokenUrl: receiver.url.replace('127.0.0.1', 'localhost'), clientId: 'mesh', clientSecret: OAUTH2.clientSecret };
    const created = await request(dispatcher.url)
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'x', url: 'https://1.1.1.1/hook', eventTypes: ['*'], oauth2 })
      .expect(400);
    expect(created.body.message.join()).toContain('oauth2.tokenUrl host localhost resolves to a non-public address');

    const id = await savedEarlier('https://1.1.1.1/hook', 'rebind.token', { ...oauth2, tokenUrl: receiver.url, scope: null });
    await dispatcher.app.get(EventsService).publishEvent('rebind.token', {});
    expect((await attemptOf(id)).error).toContain(`oauth2: token endpoint ${new URL(receiver.url).host}: refused to connect: 127.0.0.1 is a loopback address`);
    expect(receiver.requests.items).toHaveLength(0);
  });
});
