import request from 'supertest';
import { SchemaRegistry, type CloudEvent } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver, verify } from './receiver.js';

describe('POST /webhooks/test payloads (real nats-server with its schema bucket, PostgreSQL, a local receiver)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let receiver: Receiver;
  let schemas: SchemaRegistry;

  const test = (body: Record<string, unknown>) => request(dispatcher.url).post('/webhooks/test').set('X-Api-Key', API_KEY).send({ url: receiver.url, ...body });

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_test_payload');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db));
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
    await receiver?.close();
    await nats?.close();
    await db?.drop();
  });

  it('sends a sample of the newest registered schema of the type, valid against it, named in dataschema', async () => {
    const res = await test({ eventType: 'invoice.issued' }).expect(200);
    expect(res.body).toMatchObject({ delivered: true, payload: { from: 'schema', schemaId: 'mesh:schema:invoice.issued:v2' } });
    const event = verify(res.body.secret, receiver.requests.items.at(-1)!) as CloudEvent<Record<string, unknown>>;
    expect(event).toMatchObject({ type: 'invoice.issued', dataschema: 'mesh:schema:invoice.issued:v2' });
    expect(event.data).toEqual({ invoiceId: expect.any(String), amount: 1, currency: 'EUR', issuedAt: expect.any(String), customer: { email: 'jane.doe@example.com' } });
    expect(() => schemas.validate('invoice.issued', event.data, 2)).not.toThrow();
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
});
