import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connectEventConsumer } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { AppModule, WebhookDispatcherConfig } from '../src/app.module.js';
import { configureApp } from '../src/configure-app.js';
import type { WebhookConfig } from '../src/config/webhook-env.js';

export const API_KEY = 'test-admin-key';

export interface RunningDispatcher {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Short schedules so retry paths finish within a test; private targets allowed (receivers are local). */
export const dispatcherTestConfig = (
  nats: NatsServerHarness,
  db: TestDatabase,
  webhooks: Partial<WebhookConfig> = {},
): WebhookDispatcherConfig => ({
  events: { natsServers: [nats.url], databaseUrl: db.url, backoffMs: [200, 400], maxDeliver: 20, ackWaitMs: 5_000, adminApiKey: API_KEY },
  webhooks: { allowPrivate: true, allowHttp: true, retryScheduleMs: [100, 200, 300], defaultMaxAttempts: 4, pollIntervalMs: 200, leaseMarginMs: 1_000, ...webhooks },
});

/** The dispatcher in this process, set up as main.ts does (consumer included). */
export async function startDispatcher(config: WebhookDispatcherConfig): Promise<RunningDispatcher> {
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = configureApp(ref.createNestApplication({ logger: ['error', 'warn'] }));
  await connectEventConsumer(app);
  await app.listen(0, '127.0.0.1');
  let closed: Promise<void> | undefined;
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => (closed ??= app.close()) };
}
