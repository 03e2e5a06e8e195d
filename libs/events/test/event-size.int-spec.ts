import { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, EventTooLargeError, HEADER, STREAM_DLQ, STREAM_EVENTS } from '@app/events';
import { waitFor } from '@app/testing';
import { handled, Mesh, rawConnect, readStream, RunningApp, startMesh, startProducer, startRecorder } from './support.js';

const LIMIT = 4_096;

describe('EVENT_MAX_BYTES (real nats-server and PostgreSQL)', () => {
  let mesh: Mesh;
  let producer: RunningApp;
  let nc: NatsConnection;

  beforeAll(async () => {
    mesh = await startMesh('eventsize');
    producer = await startProducer(mesh, { eventMaxBytes: LIMIT });
    await startRecorder(mesh, 'recorder', 'in-process', { eventMaxBytes: LIMIT });
    nc = await rawConnect(mesh);
  });
  afterAll(async () => {
    await mesh?.close();
  });

  it('refuses to publish an event over the limit, naming it, and sends nothing', async () => {
    const before = (await readStream(nc, STREAM_EVENTS)).length;
    const publish = producer.events.publishEvent('order.created', { notes: 'x'.repeat(LIMIT) });
    await expect(publish).rejects.toBeInstanceOf(EventTooLargeError);
    await expect(publish).rejects.toThrow(`over the limit of ${LIMIT} bytes (EVENT_MAX_BYTES)`);
    expect(await readStream(nc, STREAM_EVENTS)).toHaveLength(before);
  });

  it('publishes an event just under the limit', async () => {
    const { id, queued } = await producer.events.publishEvent('order.created', { notes: 'x'.repeat(LIMIT - 600) });
    expect(queued).toBe(false);
    await waitFor(async () => (await handled(mesh)).some((r) => r.event_id === id));
  });

  it('dead-letters a larger message from a foreign publisher with reason too_large, unhandled', async () => {
    const event = createEnvelope('order.created', { notes: 'y'.repeat(LIMIT) }, 'foreign');
    await jetstream(nc).publish('events.order.created', JSON.stringify(event), { msgID: event.id });
    await waitFor(async () => (await readStream(nc, STREAM_DLQ)).some((m) => m.subject === 'dlq.recorder.order.created'));
    const letters = (await readStream(nc, STREAM_DLQ)).filter((m) => m.subject === 'dlq.recorder.order.created');
    expect(letters).toHaveLength(1);
    expect(letters[0].header.get(HEADER.dlqReason)).toBe('too_large');
    expect(letters[0].header.get(HEADER.error)).toContain(`over the limit of ${LIMIT} bytes (EVENT_MAX_BYTES)`);
    expect(letters[0].json<{ id: string }>().id).toBe(event.id);
    expect((await handled(mesh)).some((r) => r.event_id === event.id)).toBe(false);
  });
});
