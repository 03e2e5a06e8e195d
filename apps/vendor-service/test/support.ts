import { ConsoleLogger, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { CloudEvent } from '@app/events';
import { Collector, formatLogLine, writeRunLog } from '@app/testing';
import { AppModule, VendorServiceConfig } from '../src/app.module.js';
import { configureApp } from '../src/configure-app.js';

export interface RunningVendorService {
  app: INestApplication;
  url: string;
}

/** Marks the database errors a test provokes on purpose (their 500s are asserted, not printed; the run log keeps them for the secret scan). */
export const PROVOKED = 'test: provoked';

class TestLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (message instanceof Error && message.message.startsWith(PROVOKED)) writeRunLog(`${formatLogLine('error', [message, ...rest])}\n`);
    else super.error(message, ...rest);
  }
}

/** The vendor-service in this process, set up as main.ts does, on the given nats-server and database. */
export async function startVendorService(config: VendorServiceConfig): Promise<RunningVendorService> {
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = configureApp(ref.createNestApplication({ logger: new TestLogger({ logLevels: ['error', 'warn'] }) }));
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** A plain NATS client, as `nats sub` would be: no JetStream. Reconnects forever, quickly. */
export async function plainClient(url: string): Promise<{ nc: NatsConnection; reconnects: Collector<string> }> {
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const reconnects = new Collector<string>();
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'reconnect') reconnects.push(s.server);
  })();
  return { nc, reconnects };
}

export interface Received {
  subject: string;
  headers?: MsgHdrs;
  event: CloudEvent;
}

/** Subscribes to `subject` and resolves once the server has the subscription. */
export async function collect(nc: NatsConnection, subject: string): Promise<{ received: Collector<Received>; stop(): void }> {
  const received = new Collector<Received>();
  const sub = nc.subscribe(subject, {
    callback: (err, msg) => {
      if (!err) received.push({ subject: msg.subject, headers: msg.headers, event: msg.json<CloudEvent>() });
    },
  });
  await nc.flush();
  return { received, stop: () => sub.unsubscribe() };
}
