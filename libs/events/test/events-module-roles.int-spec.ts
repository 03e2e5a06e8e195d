import { Test } from '@nestjs/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { DataSource } from 'typeorm';
import { connectEventConsumer, EventsModule, JetStreamServer, NatsConnectionManager, STREAM_EVENTS } from '@app/events';
import { rawConnect, startMesh, testConfig, type Mesh } from './support.js';

describe('EventsModule by role, and the streams readiness promise (real nats-server and PostgreSQL)', () => {
  let mesh: Mesh;

  beforeAll(async () => {
    mesh = await startMesh('events_roles');
  });

  afterAll(async () => {
    await mesh?.close();
  });

  it('a producer has the bus and the database but no transport; ready() resolves once the streams exist', async () => {
    const ref = await Test.createTestingModule({ imports: [EventsModule.forProducer({ service: 'role-producer', config: testConfig(mesh) })] }).compile();
    const app = await ref.init();
    try {
      expect(() => app.get(JetStreamServer)).toThrow();
      expect(app.get(DataSource).isInitialized).toBe(true);
      const js = await app.get(NatsConnectionManager).ready();
      const jsm = await jetstreamManager(await rawConnect(mesh));
      expect((await jsm.streams.info(STREAM_EVENTS)).config.name).toBe(STREAM_EVENTS);
      expect(js).toBe(app.get(NatsConnectionManager).jetStream());
    } finally {
      await app.close();
    }
  });

  it('a consumer has the transport, named for its durable', async () => {
    const ref = await Test.createTestingModule({ imports: [EventsModule.forConsumer({ service: 'role-consumer', consumer: 'role-consumer', config: testConfig(mesh) })] }).compile();
    const app = ref.createNestApplication({ logger: ['error', 'warn'] });
    await connectEventConsumer(app);
    await app.init();
    try {
      expect(app.get(JetStreamServer).consumerName).toBe('role-consumer');
    } finally {
      await app.close();
    }
  });
});
