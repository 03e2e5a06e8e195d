import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connectEventConsumer } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { AppModule, EventStoreConfig } from '../src/app.module.js';
import { configureApp } from '../src/configure-app.js';

export interface RunningEventStore {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Fast retry schedules so failure paths finish within a test. */
export const storeTestConfig = (nats: NatsServerHarness, db: TestDatabase, extra: EventStoreConfig = {}): EventStoreConfig => ({
  natsServers: [nats.url],
  databaseUrl: db.url,
  backoffMs: [200, 400, 800],
  maxDeliver: 20,
  ackWaitMs: 5_000,
  ...extra,
});

/** The event-store in this process, set up as main.ts does (consumer included). */
export async function startEventStore(config: EventStoreConfig): Promise<RunningEventStore> {
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = configureApp(ref.createNestApplication({ logger: ['error', 'warn'] }));
  await connectEventConsumer(app);
  await app.listen(0, '127.0.0.1');
  let closed: Promise<void> | undefined;
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => (closed ??= app.close()) };
}
