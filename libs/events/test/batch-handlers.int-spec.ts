import { Controller, Inject, INestApplication, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { jetstreamManager, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import {
  configureHttpEdge,
  connectEventConsumer,
  EventBatchPattern,
  EventsModule,
  HEADER,
  JetStreamBatch,
  NonRetryableError,
  STREAM_DLQ,
  STREAM_EVENTS,
  type CloudEvent,
  type EventBatchOptions,
} from '@app/events';
import { deferred, waitFor, within } from '@app/testing';
import { Mesh, rawConnect, readStream, RunningApp, startMesh, startProducer, testConfig } from './support.js';

/** What the test's batch handler does with a call; it sees the batch the transport made. */
type Behaviour = (batch: JetStreamBatch) => Promise<void>;
const BEHAVIOUR = Symbol('BEHAVIOUR');

interface Call {
  types: string[];
  ids: string[];
  deliveries: number[];
  replay: boolean;
}

/** A consumer app whose only handler is a batch handler on `pattern`, recording every call. */
async function startBatchApp(mesh: Mesh, consumer: string, pattern: string, options: EventBatchOptions, behaviour: Behaviour, calls: Call[]) {
  @Controller()
  class BatchHandler {
    constructor(@Inject(BEHAVIOUR) private readonly behave: Behaviour) {}

    @EventBatchPattern(pattern, options)
    async handle(@Payload() events: CloudEvent[], @Ctx() batch: JetStreamBatch): Promise<void> {
      expect(events).toBe(batch.events);
      calls.push({
        types: batch.events.map((e) => e.type),
        ids: batch.events.map((e) => e.id),
        deliveries: batch.messages.map((m) => m.info.deliveryCount),
        replay: batch.isReplay(),
      });
      await this.behave(batch);
    }
  }
  @Module({
    imports: [EventsModule.forRoot({ service: consumer, consumer, config: testConfig(mesh) })],
    controllers: [BatchHandler],
    providers: [{ provide: BEHAVIOUR, useValue: behaviour }],
  })
  class AppModule {}
  const ref = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = ref.createNestApplication({ logger: ['error'] });
  // The apps' own setup: the edge's ValidationPipe (inherited by the consumer) must leave batches alone.
  configureHttpEdge(app);
  await connectEventConsumer(app);
  await app.init();
  let closed = false;
  mesh.defer(async () => {
    if (!closed) await app.close();
  });
  return {
    app,
    close: async () => {
      closed = true;
      await within(app.close(), 30_000, `${consumer} app.close()`);
    },
  };
}

describe('batch handlers (@EventBatchPattern) on the JetStream transport (real nats-server)', () => {
  let mesh: Mesh;
  let producer: RunningApp;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    mesh = await startMesh('batchhandlers');
    producer = await startProducer(mesh);
    jsm = await jetstreamManager(await rawConnect(mesh));
  });
  afterAll(async () => {
    await mesh?.close();
  });

  const publish = async (type: string, n: number, data: (i: number) => Record<string, unknown> = (i) => ({ i })) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await producer.events.publishEvent(type, data(i))).id);
    return ids;
  };
  const state = async (consumer: string) => {
    const info = await jsm.consumers.info(STREAM_EVENTS, consumer);
    return { ackPending: info.num_ack_pending, pending: info.num_pending, redelivered: info.num_redelivered };
  };
  const deadLetters = async (consumer: string) => (await readStream(await rawConnect(mesh), STREAM_DLQ)).filter((m) => m.subject.startsWith(`dlq.${consumer}.`));

  it('calls the handler once per batch of at most maxEvents, and acks each event only after the call resolved', async () => {
    const ids = await publish('acked.sent', 20);
    const calls: Call[] = [];
    const release = deferred();
    const app = await startBatchApp(mesh, 'batch-acked', 'acked.*', { maxEvents: 8, maxInFlight: 2 }, () => release.promise, calls);
    // Two calls in flight (16 events), the other four wait for a slot; none is acked while the handler runs.
    await waitFor(() => calls.length === 2, { timeoutMs: 20_000, message: 'two batches were not handed over' });
    expect(calls.map((c) => c.ids.length)).toEqual([8, 8]);
    expect((await state('batch-acked')).ackPending).toBe(20);
    release.resolve();
    await waitFor(async () => (await state('batch-acked')).ackPending === 0, { timeoutMs: 20_000, message: 'the batch was not acked' });
    expect(calls.map((c) => c.ids.length)).toEqual([8, 8, 4]);
    expect(calls.flatMap((c) => c.ids).sort()).toEqual([...ids].sort());
    expect(calls.every((c) => !c.replay && c.deliveries.every((d) => d === 1))).toBe(true);
    expect(await state('batch-acked')).toEqual({ ackPending: 0, pending: 0, redelivered: 0 });
    await app.close();
  });

  it('dead-letters an event the handler marked with batch.fail(i, NonRetryableError), with its reason, and acks the rest', async () => {
    const ids = await publish('marked.sent', 6, (i) => ({ bad: i === 2 || i === 4 }));
    const calls: Call[] = [];
    const behaviour: Behaviour = async (batch) => {
      batch.events.forEach((e: CloudEvent, i) => {
        if ((e.data as { bad: boolean }).bad) batch.fail(i, new NonRetryableError(`row of ${e.id} refused: data.bad is true`));
      });
    };
    const app = await startBatchApp(mesh, 'batch-marked', 'marked.*', {}, behaviour, calls);
    const dead = await waitFor(async () => {
      const d = await deadLetters('batch-marked');
      return d.length === 2 ? d : undefined;
    }, { timeoutMs: 20_000, message: 'the two marked events were not dead-lettered' }) as StoredMsg[];
    const byId = new Map(dead.map((d) => [(d.json() as CloudEvent).id, d]));
    for (const id of [ids[2], ids[4]]) {
      expect(byId.get(id)?.header.get(HEADER.dlqReason)).toBe('non_retryable');
      expect(byId.get(id)?.header.get(HEADER.error)).toBe(`NonRetryableError: row of ${id} refused: data.bad is true`);
    }
    await waitFor(async () => (await state('batch-marked')).ackPending === 0, { timeoutMs: 20_000, message: 'not settled' });
    // Handled once each: the four good ones acked, not redelivered.
    expect(calls.flatMap((c) => c.deliveries)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await state('batch-marked')).toEqual({ ackPending: 0, pending: 0, redelivered: 0 });
    await app.close();
  });

  it('naks every event of a call that threw, with the backoff, and dead-letters them on their last delivery', async () => {
    const ids = await publish('thrown.sent', 3);
    const calls: Call[] = [];
    const app = await startBatchApp(mesh, 'batch-thrown', 'thrown.*', {}, async () => {
      throw new Error('store unavailable');
    }, calls);
    const dead = await waitFor(async () => {
      const d = await deadLetters('batch-thrown');
      return d.length === 3 ? d : undefined;
    }, { timeoutMs: 30_000, message: 'the failing events were not dead-lettered' }) as StoredMsg[];
    expect(dead.map((d) => (d.json() as CloudEvent).id).sort()).toEqual([...ids].sort());
    for (const d of dead) {
      expect(d.header.get(HEADER.dlqReason)).toBe('max_deliveries');
      expect(d.header.get(HEADER.error)).toBe('Error: store unavailable');
      expect(d.header.get(HEADER.deliveries)).toBe('3');
    }
    // maxDeliver 3: every event was handed to the handler three times, one delivery count at a time.
    const seen = calls.flatMap((c) => c.deliveries).sort();
    expect(seen).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    await waitFor(async () => (await state('batch-thrown')).ackPending === 0, { timeoutMs: 20_000, message: 'not settled' });
    await app.close();
  });

  it('close(): the call in flight finishes and is acked, what waited for a slot is handed back and runs in the next process', async () => {
    const ids = await publish('closing.sent', 6);
    const calls: Call[] = [];
    const release = deferred();
    const first = await startBatchApp(mesh, 'batch-closing', 'closing.*', { maxEvents: 3, maxInFlight: 1 }, () => release.promise, calls);
    await waitFor(() => calls.length === 1 && calls[0].ids.length === 3, { timeoutMs: 20_000, message: 'the first batch was not handed over' });
    expect((await state('batch-closing')).ackPending).toBe(6);
    const closing = first.close();
    setTimeout(() => release.resolve(), 300);
    await closing;
    expect(calls).toHaveLength(1); // the waiting batch did not start after close() began

    const later: Call[] = [];
    const second = await startBatchApp(mesh, 'batch-closing', 'closing.*', { maxEvents: 3, maxInFlight: 1 }, async () => undefined, later);
    await waitFor(async () => later.flatMap((c) => c.ids).length >= 3 && (await state('batch-closing')).ackPending === 0, {
      timeoutMs: 20_000,
      message: 'the handed-back events were not handled after the restart',
    });
    // Past an ack wait (3 s): an in-flight event whose ack was lost would have come back by now.
    await new Promise((r) => setTimeout(r, 3_500));
    // (At least once: a handed-back event may reach the new process twice, when the server had
    // already redelivered it to the closed one's pull request. The acked ones never come back.)
    const handedBack = [...new Set(later.flatMap((c) => c.ids))];
    expect(handedBack.sort()).toEqual(ids.filter((id) => !calls[0].ids.includes(id)).sort());
    expect((await state('batch-closing')).ackPending).toBe(0);
    await second.close();
  });

  describe('refused at listen()', () => {
    async function listenWith(controller: new (...args: never[]) => unknown): Promise<INestApplication> {
      @Module({ imports: [EventsModule.forRoot({ service: 'mixed', consumer: 'mixed', config: testConfig(mesh) })], controllers: [controller] })
      class AppModule {}
      const ref = await Test.createTestingModule({ imports: [AppModule] }).compile();
      const app = ref.createNestApplication({ logger: false });
      mesh.defer(() => app.close());
      await connectEventConsumer(app);
      return app;
    }

    it('a batch handler and a per-event handler that match the same type', async () => {
      @Controller()
      class Mixed {
        @EventBatchPattern('order.>')
        async all(@Ctx() _batch: JetStreamBatch): Promise<void> {}

        @EventPattern('*.created')
        async created(@Payload() _event: CloudEvent): Promise<void> {}
      }
      await expect(listenWith(Mixed)).rejects.toThrow(
        `@EventBatchPattern('order.>') must be the only handler of the events it matches, but '*.created' also matches some of them`,
      );
    });

    it('two methods on one batch pattern', async () => {
      @Controller()
      class Twice {
        @EventBatchPattern('order.*')
        async one(@Ctx() _batch: JetStreamBatch): Promise<void> {}

        @EventBatchPattern('order.*')
        async two(@Ctx() _batch: JetStreamBatch): Promise<void> {}
      }
      await expect(listenWith(Twice)).rejects.toThrow(`@EventBatchPattern('order.*') must be the only handler of its pattern`);
    });

    it('accepts a batch handler beside per-event handlers of other types', async () => {
      @Controller()
      class Apart {
        @EventBatchPattern('order.>')
        async orders(@Ctx() _batch: JetStreamBatch): Promise<void> {}

        @EventPattern('payment.*')
        async payments(@Payload() _event: CloudEvent): Promise<void> {}
      }
      await expect(listenWith(Apart)).resolves.toBeDefined();
    });
  });
});
