import { rm } from 'node:fs/promises';
import { NatsConnectionManager } from '@app/events';
import { waitFor, within } from '@app/testing';
import { handled, Mesh, startMesh, startProducer, startRecorder } from './support.js';

describe('app.close() after nats-server restarted under the app (real nats-server and PostgreSQL)', () => {
  let mesh: Mesh;
  let n = 0;

  beforeEach(async () => {
    mesh = await startMesh(`closerestart${++n}`);
  });
  afterEach(async () => {
    await mesh?.close();
  });

  it('resolves within 15 s once the app has reconnected and handled an event after the restart', async () => {
    const recorder = await startRecorder(mesh, 'closer');
    const producer = await startProducer(mesh);
    const nats = recorder.app.get(NatsConnectionManager);
    await within(nats.ready(), 20_000, 'ready() before the restart');
    const first = await producer.events.publishEvent('order.created', { n: 1 });
    await waitFor(async () => (await handled(mesh)).some((r) => r.event_id === first.id), { timeoutMs: 20_000, message: 'first event not handled' });

    await mesh.nats.restart();
    await within(nats.ready(), 20_000, 'ready() after the restart');
    await waitFor(() => nats.isConnected, { timeoutMs: 20_000, message: 'no reconnect' });
    const second = await producer.events.publishEvent('order.created', { n: 2 });
    await waitFor(async () => (await handled(mesh)).some((r) => r.event_id === second.id), { timeoutMs: 30_000, message: 'event after the restart not handled' });

    await within(recorder.close(), 15_000, 'app.close() of the consumer');
    await within(producer.close(), 15_000, 'app.close() of the producer');
  });

  it('resolves within 15 s when closed right after the restart, before the app has reconnected', async () => {
    const recorder = await startRecorder(mesh, 'closer');
    const nats = recorder.app.get(NatsConnectionManager);
    await within(nats.ready(), 20_000, 'ready() before the restart');
    await mesh.nats.restart();
    await within(nats.ready(), 20_000, 'ready() after the restart');
    await within(recorder.close(), 15_000, 'app.close() of the consumer');
  });

  it('resolves within 15 s when closed while the app is disconnected, the server coming back meanwhile', async () => {
    const recorder = await startRecorder(mesh, 'closer');
    const nats = recorder.app.get(NatsConnectionManager);
    await within(nats.ready(), 20_000, 'ready() before the stop');
    await mesh.nats.stop();
    await waitFor(() => !nats.isConnected, { timeoutMs: 20_000, message: 'disconnect not noticed' });
    // ready() stays resolved: it says the start-up finished, not that the connection is up now.
    await within(nats.ready(), 1_000, 'ready() while disconnected');
    const closing = within(recorder.close(), 15_000, 'app.close() while disconnected');
    await mesh.nats.restart();
    await closing;
  });

  it('resolves within 15 s when closed while the server stays down', async () => {
    const recorder = await startRecorder(mesh, 'closer');
    const nats = recorder.app.get(NatsConnectionManager);
    await within(nats.ready(), 20_000, 'ready() before the stop');
    await mesh.nats.stop();
    await waitFor(() => !nats.isConnected, { timeoutMs: 20_000, message: 'disconnect not noticed' });
    await within(recorder.close(), 15_000, 'app.close() while the server is down');
  });

  it('resolves within 15 s after the server came back with an empty store (streams and durables re-created)', async () => {
    const recorder = await startRecorder(mesh, 'closer');
    const producer = await startProducer(mesh);
    const nats = recorder.app.get(NatsConnectionManager);
    await within(nats.ready(), 20_000, 'ready() before the restart');
    await mesh.nats.stop();
    await rm(mesh.nats.storeDir, { recursive: true, force: true });
    await mesh.nats.restart();
    await waitFor(() => nats.isReady, { timeoutMs: 30_000, message: 'streams not provisioned again' });
    const event = await producer.events.publishEvent('order.created', { n: 1 });
    await waitFor(async () => (await handled(mesh)).some((r) => r.event_id === event.id), { timeoutMs: 30_000, message: 'event after the wipe not handled' });
    await within(recorder.close(), 15_000, 'app.close() of the consumer');
    await within(producer.close(), 15_000, 'app.close() of the producer');
  });
});
