import { jetstreamManager } from '@nats-io/jetstream';
import { Test } from '@nestjs/testing';
import { connectEventConsumer, STREAM_EVENTS } from '@app/events';
import { LogCapture, waitFor, within } from '@app/testing';
import { RecorderModule } from '../../../test/fixtures/recorder/recorder.module.js';
import { handled, Mesh, rawConnect, startMesh, startProducer, testConfig } from './support.js';

/**
 * Shutdown order: Nest closes the transport (no new fetch, in-flight handlers finish and ack)
 * before its shutdown hooks, where the NATS connection is drained. The ack of a handler that
 * finishes while the app closes must be on the server afterwards, counted once.
 */
describe('app.close() with a handler in flight drains the NATS connection last (real nats-server, PostgreSQL)', () => {
  let mesh: Mesh;

  beforeAll(async () => {
    mesh = await startMesh('shutdowndrain');
  });
  afterAll(async () => {
    await mesh?.close();
  });

  it("keeps the in-flight handler's effect and ack, and drains only after the consumer stopped", async () => {
    const consumer = 'drainer';
    // First: Nest's logger is process-wide, and the last app created sets it (this test reads the consumer's lines).
    const producer = await startProducer(mesh);
    const started = new Set<string>();
    const ref = await Test.createTestingModule({
      imports: [
        RecorderModule.forRoot({ consumer, config: testConfig(mesh, { concurrency: 1 }) }, { instance: 'drain', onStart: (e) => started.add(e.id) }),
      ],
    }).compile();
    const logs = new LogCapture(true);
    const app = ref.createNestApplication({ logger: logs });
    await connectEventConsumer(app);
    await app.init();
    let closed = false;
    mesh.defer(async () => {
      if (!closed) await app.close();
    });
    const jsm = await jetstreamManager(await rawConnect(mesh));

    const slow = await producer.events.publishEvent('order.slow', { sleepMs: 1_500 });
    // The handler is sleeping when the app starts closing. Waiting for num_ack_pending alone is not
    // enough: a message fetched but not yet started is handed back on close (CI caught that race).
    await waitFor(() => started.has(slow.id), { timeoutMs: 20_000, message: 'the slow event was not handled' });
    expect((await jsm.consumers.info(STREAM_EVENTS, consumer)).num_ack_pending).toBe(1);
    await within(app.close(), 20_000, 'app.close()');
    closed = true;

    const stopped = logs.lines.findIndex((l) => l.includes('stopped consuming, in-flight handlers finished'));
    const drained = logs.lines.findIndex((l) => l.includes('NATS connection drained'));
    expect(stopped).toBeGreaterThanOrEqual(0);
    expect(drained).toBeGreaterThan(stopped);

    expect((await handled(mesh)).filter((r) => r.event_id === slow.id)).toEqual([expect.objectContaining({ consumer, delivery: 1 })]);
    const info = await jsm.consumers.info(STREAM_EVENTS, consumer);
    expect({ ackPending: info.num_ack_pending, redelivered: info.num_redelivered, pending: info.num_pending }).toEqual({ ackPending: 0, redelivered: 0, pending: 0 });
  });
});
