import request from 'supertest';
import { EventsService, SchemaRegistry, type CloudEvent } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { startEventStore, storeTestConfig, type RunningEventStore } from '../../event-store/test/support.js';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver, verify } from './receiver.js';

describe('POST /webhooks/test payloads (real nats-server with its schema bucket, PostgreSQL, the event-store, a local receiver)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let storeDb: TestDatabase;
  let store: RunningEventStore;
  let dispatcher: RunningDispatcher;
  let receiver: Receiver;
  let schemas: SchemaRegistry;

  const test = (body: Record<string, unknown>) => request(dispatcher.url).post('/webhooks/test').set('X-Api-Key', API_KEY).send({ url: receiver.url, ...body });

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_test_payload');
    storeDb = await TestDatabase.create('webhook_test_payload_store');
    store = await startEventStore(storeTestConfig(nats, storeDb));
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, { eventStoreUrl: store.url }));
    receiver = await Receiver.start();
    schemas = dispatcher.app.get(SchemaRegistry);
    await schemas.register('invoice.issued', 1, { type: 'object', required: ['invoiceId'], properties: { invoiceId: { type: 'string' } } });
    await schemas.register('invoice.issued', 2, {
      type: 'object',
      required: ['invoiceId', 'amount', 'currency', 'customer', 'issuedAt'],
      additionalProperties: false,
      properties: {
        invoiceId: { type: 'string', format: 'uuid' },
        amount: { type: 'number', minimum: 1 },
        currency: { enum: ['EUR', 'USD'] },
        issuedAt: { type: 'string', format: 'date-time' },
        customer: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
      },
    });
    await schemas.register('invoice.coded', 1, { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern: '^INV-[0-9]{6}$' } } });
  });

  afterAll(async () => {
    await dispatcher?.close();
    await store?.close();
    await storeDb?.drop();
    await receiver?.close();
    await nats?.close();
    await db?.drop();
  });

  it('sends the data and subject of the latest stored event of the type, under a new id, before any schema sample', async () => {
    const events = dispatcher.app.get(EventsService);
    await events.publishEvent('invoice.issued', { invoiceId: '0194b3a2-0000-7000-8000-00000000000a', amount: 5, currency: 'USD', issuedAt: '2026-01-01T00:00:00.000Z', customer: { email: 'old@example.com' } }, { subject: 'inv-a' });
    const newest = await events.publishEvent('invoice.issued', { invoiceId: '0194b3a2-0000-7000-8000-00000000000b', amount: 7, currency: 'EUR', issuedAt: '2026-01-02T00:00:00.000Z', customer: { email: 'new@example.com' } }, { subject: 'inv-b' });
    await waitFor(async () => (await request(store.url).get('/events').query({ type: 'invoice.issued' }).expect(200)).body.items.length === 2, { timeoutMs: 20_000 });

    const res = await test({ eventType: 'invoice.issued' }).expect(200);
    expect(res.body.payload).toEqual({ from: 'stored', storedEventId: newest.id });
    const event = JSON.parse(receiver.requests.items.at(-1)!.body) as CloudEvent;
    expect(event).toMatchObject({ type: 'invoice.issued', subject: 'inv-b', data: { invoiceId: '0194b3a2-0000-7000-8000-00000000000b', amount: 7, customer: { email: 'new@example.com' } } });
    expect(event.id).not.toBe(newest.id);
  });

  it('without a stored event, sends a sample of the newest registered schema of the type, valid against it, named in dataschema', async () => {
    await schemas.register('invoice.voided', 1, (await schemas.list()).find((s) => s.id === 'mesh:schema:invoice.issued:v2')!.schema);
    const res = await test({ eventType: 'invoice.voided' }).expect(200);
    expect(res.body).toMatchObject({ delivered: true, payload: { from: 'schema', schemaId: 'mesh:schema:invoice.voided:v1' } });
    const event = verify(res.body.secret, receiver.requests.items.at(-1)!) as CloudEvent<Record<string, unknown>>;
    expect(event).toMatchObject({ type: 'invoice.voided', dataschema: 'mesh:schema:invoice.voided:v1' });
    expect(event.data).toEqual({ invoiceId: expect.any(String), amount: 1, currency: 'EUR', issuedAt: expect.any(String), customer: { email: 'jane.doe@example.com' } });
    expect(() => schemas.validate('invoice.voided', event.data, 1)).not.toThrow();
  });

  it('sends the data given, or { test: true } for a type without a schema', async () => {
    const given = await test({ eventType: 'invoice.issued', data: { mine: 1 } }).expect(200);
    expect(given.body.payload).toEqual({ from: 'given' });
    expect(JSON.parse(receiver.requests.items.at(-1)!.body).data).toEqual({ mine: 1 });
    const none = await test({ eventType: 'nothing.registered' }).expect(200);
    expect(none.body.payload).toEqual({ from: 'default' });
    expect(JSON.parse(receiver.requests.items.at(-1)!.body)).toMatchObject({ type: 'nothing.registered', data: { test: true } });
    expect(JSON.parse(receiver.requests.items.at(-1)!.body).dataschema).toBeUndefined();
  });

  it('answers 400 naming the schema when its sample does not satisfy it (a pattern), and sends nothing', async () => {
    const before = receiver.requests.items.length;
    const res = await test({ eventType: 'invoice.coded' }).expect(400);
    expect(res.body.message.join()).toMatch(/^eventType: the sample made from mesh:schema:invoice\.coded:v1 does not satisfy it \(.*code.*\); send data yourself$/);
    expect(receiver.requests.items).toHaveLength(before);
  });

  // Last: it stops the event-store.
  it('answers 503 naming EVENT_STORE_URL when the event-store does not answer, and sends nothing', async () => {
    await store.close();
    const before = receiver.requests.items.length;
    const res = await test({ eventType: 'invoice.issued' }).expect(503);
    expect(res.body.message).toMatch(new RegExp(`^the event-store at ${store.url.replace(/[.]/g, '\\.')} \\(EVENT_STORE_URL\\) is unreachable \\(.+\\); send data, or retry$`));
    expect(receiver.requests.items).toHaveLength(before);
  });
});
