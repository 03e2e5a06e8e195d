import { NatsConnection } from '@nats-io/transport-node';
import { STREAM_EVENTS, UnstorableDataError } from '@app/events';
import { Mesh, rawConnect, readStream, RunningApp, startMesh, startProducer } from './support.js';

describe('EventsService refuses data PostgreSQL jsonb cannot store (real nats-server and PostgreSQL)', () => {
  let mesh: Mesh;
  let producer: RunningApp;
  let nc: NatsConnection;

  beforeAll(async () => {
    mesh = await startMesh('storable');
    producer = await startProducer(mesh);
    nc = await rawConnect(mesh);
  });
  afterAll(async () => {
    await mesh?.close();
  });

  it.each([
    ['a NUL character', { customer: { name: 'a\u0000b' } }, 'data.customer.name holds a NUL character'],
    ['a lone surrogate', { lines: ['ok', '\ud800'] }, 'data.lines[1] holds a lone surrogate'],
  ])('refuses %s at publish, naming the JSON path, and sends nothing', async (_, data, message) => {
    const publish = producer.events.publishEvent('order.created', data);
    await expect(publish).rejects.toBeInstanceOf(UnstorableDataError);
    await expect(publish).rejects.toThrow(message);
    expect(await readStream(nc, STREAM_EVENTS)).toHaveLength(0);
  });

  it('publishes emoji and a typed-out backslash-u0000', async () => {
    const { queued } = await producer.events.publishEvent('order.created', { note: 'taco 🌮 \\u0000' });
    expect(queued).toBe(false);
    expect(await readStream(nc, STREAM_EVENTS)).toHaveLength(1);
  });
});
