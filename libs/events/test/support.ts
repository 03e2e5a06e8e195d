import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, StoredMsg } from '@nats-io/jetstream';
import { connectEventConsumer, EventsConfig, EventsHealthModule, EventsModule, EventsService } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { RecorderModule } from '../../../test/fixtures/recorder/recorder.module.js';

/** One suite's private nats-server and database, plus everything started on them. */
export interface Mesh {
  nats: NatsServerHarness;
  db: TestDatabase;
  /** Registers a clean-up for `close()`; apps and connections started by this file register themselves. */
  defer(close: () => Promise<unknown>): void;
  /** Runs the clean-ups (newest first), then stops the server and drops the database. */
  close(): Promise<void>;
}

export async function startMesh(prefix: string): Promise<Mesh> {
  const nats = await NatsServerHarness.start();
  const db = await TestDatabase.create(prefix);
  const cleanups: (() => Promise<unknown>)[] = [];
  return {
    nats,
    db,
    defer: (close) => cleanups.push(close),
    async close() {
      for (const close of cleanups.reverse()) await close();
      await nats.close();
      await db.drop();
    },
  };
}

const once = (fn: () => Promise<void>) => {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
};

/** Fast schedules so retry paths finish in a test's lifetime. */
export const testConfig = (mesh: Mesh, extra: Partial<EventsConfig> = {}): Partial<EventsConfig> => ({
  natsServers: [mesh.nats.url],
  databaseUrl: mesh.db.url,
  backoffMs: [200, 400],
  maxDeliver: 3,
  ackWaitMs: 3_000,
  ...extra,
});

export interface RunningApp {
  app: INestApplication;
  url: string;
  events: EventsService;
  close(): Promise<void>;
}

async function run(mesh: Mesh, module: Parameters<typeof Test.createTestingModule>[0]['imports'], consumer: boolean): Promise<RunningApp> {
  const ref = await Test.createTestingModule({ imports: module }).compile();
  const app = ref.createNestApplication({ logger: ['error', 'warn'] });
  if (consumer) await connectEventConsumer(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const close = once(() => app.close());
  mesh.defer(close);
  return { app, url, events: app.get(EventsService), close };
}

/** The recorder consumer app (test/fixtures/recorder) in this process. */
export const startRecorder = (mesh: Mesh, consumer = 'recorder', instance = 'in-process', extra: Partial<EventsConfig> = {}) =>
  run(mesh, [RecorderModule.forRoot({ consumer, config: testConfig(mesh, extra) }, { instance })], true);

/** A producer-only app. */
export const startProducer = (mesh: Mesh, extra: Partial<EventsConfig> = {}) =>
  run(mesh, [EventsModule.forProducer({ service: 'test-producer', config: testConfig(mesh, extra) }), EventsHealthModule], false);

export async function rawConnect(mesh: Mesh): Promise<NatsConnection> {
  const nc = await connect({ servers: mesh.nats.url });
  mesh.defer(() => nc.close());
  return nc;
}

/** Every message currently stored in a stream. */
export async function readStream(nc: NatsConnection, stream: string): Promise<StoredMsg[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(stream);
  const out: StoredMsg[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m) out.push(m);
  }
  return out;
}

export interface HandledRow {
  event_id: string;
  type: string;
  consumer: string;
  instance: string;
  delivery: number;
}

export const handled = (mesh: Mesh): Promise<HandledRow[]> =>
  mesh.db.query<HandledRow>('SELECT event_id, type, consumer, instance, delivery FROM recorder_handled ORDER BY at').then((r) => r.rows);
