import request from 'supertest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { createEnvelope, SchemaRegistry, subjectForType, uuidv7, type PublishOptions } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

interface Node {
  id: string;
  type: string;
  offsetMs: number;
  sinceParentMs: number;
  causationId: string | null;
  correlationId: string | null;
  children: Node[];
}

describe('event-store: the correlation graph (GET /events/:id/trace) and the AsyncAPI document (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('store_trace');
    store = await startEventStore(storeTestConfig(nats, db));
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await store?.close();
    await nats?.close();
    await db?.drop();
  });

  /** Published as any producer does (JetStream, Nats-Msg-Id), then awaited in the store. */
  async function publish(type: string, options: PublishOptions): Promise<string> {
    const event = createEnvelope(type, { n: 1 }, 'trace-test', { id: uuidv7(), ...options });
    await jetstream(nc).publish(subjectForType(type), JSON.stringify(event), { msgID: event.id });
    return event.id;
  }
  const stored = (ids: string[]) =>
    waitFor(async () => (await Promise.all(ids.map((id) => request(store.url).get(`/events/${id}`)))).every((r) => r.status === 200), {
      timeoutMs: 60_000,
      message: 'the chain was not stored',
    });

  it('returns the tree of events caused by one event, through causation ids, with offsets from the root and from the cause', async () => {
    const t0 = Date.parse('2026-11-02T10:00:00.000Z');
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const correlationId = uuidv7();
    const order = await publish('order.placed', { time: at(0), correlationId });
    const payment = await publish('payment.captured', { time: at(120), correlationId, causationId: order });
    const stock = await publish('stock.reserved', { time: at(40), correlationId, causationId: order });
    const shipment = await publish('shipment.created', { time: at(400), correlationId, causationId: payment });
    const sms = await publish('sms.sent', { time: at(650), correlationId, causationId: shipment });
    // Same story, not caused by the order: not in its tree.
    const unrelated = await publish('order.viewed', { time: at(10), correlationId });
    await stored([order, payment, stock, shipment, sms, unrelated]);

    const trace = (await request(store.url).get(`/events/${order}/trace`).expect(200)).body as { root: Node; count: number; depth: number; durationMs: number; truncated: boolean };
    expect(trace).toMatchObject({ count: 5, depth: 3, durationMs: 650, truncated: false });
    const shape = (n: Node): unknown => [n.type, n.offsetMs, n.sinceParentMs, n.children.map(shape)];
    expect(shape(trace.root)).toEqual([
      'order.placed', 0, 0, [
        ['stock.reserved', 40, 40, []],
        ['payment.captured', 120, 120, [['shipment.created', 400, 280, [['sms.sent', 650, 250, []]]]]],
      ],
    ]);
    expect(trace.root.children[1].children[0]).toMatchObject({ id: shipment, causationId: payment, correlationId });

    // A subtree from its own root; a leaf has no children; an unknown id is a 404 naming it.
    const sub = (await request(store.url).get(`/events/${payment}/trace`).expect(200)).body as { root: Node; count: number };
    expect(sub.count).toBe(3);
    expect(sub.root.children.map((c) => c.id)).toEqual([shipment]);
    expect((await request(store.url).get(`/events/${sms}/trace`).expect(200)).body).toMatchObject({ count: 1, depth: 0, root: { id: sms, children: [] } });
    expect((await request(store.url).get(`/events/no-such-event/trace`).expect(404)).body.message).toBe('Event no-such-event not found');
  });

  it('serves an AsyncAPI 3 document of the registered schemas and the stream layout that @asyncapi/parser accepts without errors', async () => {
    await store.app.get(SchemaRegistry).register('vendor.created', 2, {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, name: { type: 'string', maxLength: 200 } },
    });
    const res = await request(store.url).get('/events/asyncapi.json').expect(200);
    const doc = res.body as { asyncapi: string; channels: Record<string, { address: string }>; components: { messages: Record<string, { payload: { allOf: unknown[] } }> }; 'x-streams': { name: string }[] };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.vendor_created.address).toBe('events.vendor.created');
    // A type the store has seen without a schema is there too.
    expect(doc.channels.order_placed.address).toBe('events.order.placed');
    expect(doc.components.messages.vendor_created.payload.allOf[1]).toMatchObject({ properties: { type: { const: 'vendor.created' }, data: { required: ['id', 'name'] } } });
    expect(doc['x-streams'].map((s) => s.name)).toEqual(['EVENTS', 'EVENTS_DLQ', 'EVENTS_REPLAY']);
    expect(doc.channels.deadLetters.address).toBe('dlq.{consumer}.{type}');

    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document?.channels().all().map((c) => c.address())).toEqual(expect.arrayContaining(['events.vendor.created', 'events.order.placed', 'dlq.{consumer}.{type}']));
  });
});
