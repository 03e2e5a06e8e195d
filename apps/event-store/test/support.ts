import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connectEventConsumer } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { AppModule, EventStoreConfig } from '../src/app.module.js';
import { configureApp } from '../src/configure-app.js';
import { RETENTION_CONFIG, retentionConfigFromEnv, type RetentionConfig } from '../src/retention/event-store-env.js';

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

export interface StoreTestOptions {
  /** Retention as the suite wants it; off (`days: 0`) when absent. */
  retention?: RetentionConfig;
}

/**
 * The event-store in this process, set up as main.ts does (consumer included). Retention is off
 * unless the suite passes its config: the scheduled first run (10 s after start-up, 30 days by
 * default) would otherwise archive a suite's fixture dated in the past while the suite still reads
 * it, which happened whenever a suite outlived those 10 s on a busy machine.
 */
export async function startEventStore(config: EventStoreConfig, options: StoreTestOptions = {}): Promise<RunningEventStore> {
  const retention = options.retention ?? { ...retentionConfigFromEnv(), days: 0 };
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(RETENTION_CONFIG)
    .useValue(retention)
    .compile();
  const app = configureApp(ref.createNestApplication({ logger: ['error', 'warn'] }));
  await connectEventConsumer(app);
  await app.listen(0, '127.0.0.1');
  let closed: Promise<void> | undefined;
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => (closed ??= app.close()) };
}
