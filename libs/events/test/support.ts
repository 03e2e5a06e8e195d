import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, StoredMsg } from '@nats-io/jetstream';
import { connectEventConsumer, EventsConfig, EventsHealthModule, EventsModule, EventsService } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { RecorderModule } from '../../../test/fixtures/recorder/recorder.module.js';

export interface Mesh {
  nats: NatsServerHarness;
  db: TestDatabase;
}

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

async function run(module: Parameters<typeof Test.createTestingModule>[0]['imports'], consumer: boolean): Promise<RunningApp> {
  const ref = await Test.createTestingModule({ imports: module }).compile();
  const app = ref.createNestApplication({ logger: ['error', 'warn'] });
  if (consumer) await connectEventConsumer(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, events: app.get(EventsService), close: () => app.close() };
}

/** The recorder consumer app (test/fixtures/recorder) in this process. */
export const startRecorder = (mesh: Mesh, consumer = 'recorder', instance = 'in-process', extra: Partial<EventsConfig> = {}) =>
  run([RecorderModule.forRoot({ consumer, config: testConfig(mesh, extra) }, { instance })], true);

/** A producer-only app. */
export const startProducer = (mesh: Mesh, extra: Partial<EventsConfig> = {}) =>
  run([EventsModule.forRoot({ service: 'test-producer', config: testConfig(mesh, extra) }), EventsHealthModule], false);

export const rawConnect = (mesh: Mesh): Promise<NatsConnection> => connect({ servers: mesh.nats.url });

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
