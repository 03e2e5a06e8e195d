import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { CLOUDEVENTS_CONTENT_TYPE, connectEventConsumer, createEnvelope, HEADER, subjectForType } from '@app/events/internal';
import { ADMIN_KEYS, NatsServerHarness, TestDatabase } from '@app/testing';
import { AppModule, WebhookDispatcherConfig } from '../src/app.module.js';
import { configureApp } from '../src/configure-app.js';
import type { WebhookConfig } from '../src/config/webhook-env.js';

export const API_KEY = ADMIN_KEYS.shared;

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

/**
 * Publishes `n` events of `type` straight to JetStream (`inFlight` at a time, 200 unless told), as
 * another producer would; resolves with their ids. Event i carries `data(i)` (`{ n: i }` unless told).
 * Only publishes of different groups of `inFlight` are ordered in the stream.
 */
export async function publishMany(
  nc: NatsConnection,
  type: string,
  n: number,
  { data = (i: number): unknown => ({ n: i }), inFlight = 200 }: { data?: (i: number) => unknown; inFlight?: number } = {},
): Promise<string[]> {
  const js = jetstream(nc);
  const h = headers();
  h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
  const ids: string[] = [];
  for (let start = 0; start < n; start += inFlight) {
    const batch = Array.from({ length: Math.min(inFlight, n - start) }, (_, i) => createEnvelope(type, data(start + i), 'webhook-test'));
    await Promise.all(batch.map((e) => js.publish(subjectForType(type), JSON.stringify(e), { msgID: e.id, headers: h })));
    ids.push(...batch.map((e) => e.id));
  }
  return ids;
}
