import { ConsoleLogger, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { connectEventConsumer, createEnvelope, type CloudEvent, type PublishOptions } from '@app/events';
import { Collector, freePort, NatsServerHarness, TestDatabase, waitFor, writeRunLog } from '@app/testing';
import { AppModule, SmsNotifierConfig } from '../src/app.module.js';
import { configureApp } from '../src/configure-app.js';

/** Keeps every line the app logs, so a test can check no full phone number ever appears; the run log (secret scan) gets them too. */
export class RecordingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  constructor() {
    super({ logLevels: ['log', 'error', 'warn', 'debug', 'verbose'] });
  }
  private keep(level: string, message: unknown, rest: unknown[]): void {
    const line = [level, message, ...rest].map((p) => (p instanceof Error ? `${p.message} ${p.stack}` : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
    this.lines.push(line);
    writeRunLog(`${line}\n`);
  }
  override log(message: unknown, ...rest: unknown[]): void {
    this.keep('log', message, rest);
  }
  override warn(message: unknown, ...rest: unknown[]): void {
    this.keep('warn', message, rest);
  }
  override debug(message: unknown, ...rest: unknown[]): void {
    this.keep('debug', message, rest);
  }
  override verbose(message: unknown, ...rest: unknown[]): void {
    this.keep('verbose', message, rest);
  }
  override error(message: unknown, ...rest: unknown[]): void {
    this.keep('error', message, rest);
    super.error(message, ...rest);
  }
}

export interface RunningSmsNotifier {
  app: INestApplication;
  url: string;
  logger: RecordingLogger;
  close(): Promise<void>;
}

/**
 * The sms-notifier in this process, set up as main.ts does, on a port known before it starts (the
 * public URL callbacks are signed over). Nest's static Logger goes to the last app created, so a
 * second replica in the same process shares the first one's `logger`.
 */
export async function startSmsNotifier(config: SmsNotifierConfig, port?: number, logger = new RecordingLogger()): Promise<RunningSmsNotifier> {
  const listenPort = port ?? (await freePort());
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = configureApp(ref.createNestApplication({ logger }));
  await connectEventConsumer(app);
  await app.listen(listenPort, '127.0.0.1');
  let closed: Promise<void> | undefined;
  return { app, url: `http://127.0.0.1:${listenPort}`, logger, close: () => (closed ??= app.close()) };
}

/** A producer as any app of the mesh would be: CloudEvents envelopes on events.<type>, and a tail of events.sms.> and events.email.>. */
export class MeshProbe {
  readonly outcomes = new Collector<CloudEvent>();
  private lastSeq = 0;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
  ) {}

  static async connect(nats: NatsServerHarness): Promise<MeshProbe> {
    const nc = await connect({ servers: nats.url });
    const probe = new MeshProbe(nc, jetstream(nc), await jetstreamManager(nc));
    for (const subject of ['events.sms.>', 'events.email.>']) {
      nc.subscribe(subject, {
        callback: (err, msg) => {
          if (!err) probe.outcomes.push(msg.json<CloudEvent>());
        },
      });
    }
    await nc.flush();
    return probe;
  }

  async publish<T>(type: string, data: T, options: PublishOptions = {}): Promise<CloudEvent<T>> {
    const event = createEnvelope(type, data, 'shop', options);
    await this.publishEnvelope(event);
    return event;
  }

  /** The same envelope again under another Nats-Msg-Id: a second delivery of one event. */
  async publishEnvelope(event: CloudEvent, msgID: string = event.id): Promise<void> {
    const ack = await this.js.publish(`events.${event.type}`, JSON.stringify(event), { msgID });
    this.lastSeq = Math.max(this.lastSeq, ack.seq);
  }

  /** Resolves once the durable has delivered and settled everything published so far. */
  async settled(durable = 'sms-notifier', stream = 'EVENTS', timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () => {
        const info = await this.jsm.consumers.info(stream, durable);
        return info.delivered.stream_seq >= (stream === 'EVENTS' ? this.lastSeq : 0) && info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { timeoutMs, message: `${durable} did not settle` },
    );
  }

  /** Outcome events (sms.*, email.*) caused by one event. */
  outcomesOf(eventId: string, type?: string): CloudEvent[] {
    return this.outcomes.items.filter((e) => e.causationid === eventId && (!type || e.type === type));
  }

  async waitOutcome(eventId: string, type: string, timeoutMs = 15_000): Promise<CloudEvent> {
    return waitFor(() => this.outcomesOf(eventId, type)[0], { timeoutMs, message: `no ${type} for ${eventId}` });
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}

export const testEventsConfig = (nats: NatsServerHarness, db: TestDatabase, adminApiKey: string): SmsNotifierConfig['events'] => ({
  natsServers: [nats.url],
  databaseUrl: db.url,
  backoffMs: [200, 400, 800],
  maxDeliver: 5,
  ackWaitMs: 5_000,
  adminApiKey,
});

/** The environment of a built sms-notifier sending through the Twilio stand-in at `apiUrl` (process tests). */
export function twilioAppEnv(o: { natsUrl: string; databaseUrl: string; adminKey: string; account: string; authToken: string; apiUrl: string }): Record<string, string> {
  return {
    NATS_URL: o.natsUrl,
    DATABASE_URL: o.databaseUrl,
    ADMIN_API_KEY: o.adminKey,
    CONSUMER_ACK_WAIT: '3s',
    CONSUMER_BACKOFF: '200ms,500ms,1s',
    SMS_PROVIDER: 'twilio',
    SMS_PROVIDER_TIMEOUT: '10s',
    SMS_RATE_LIMIT_PER_HOUR: '0',
    TWILIO_ACCOUNT_SID: o.account,
    TWILIO_AUTH_TOKEN: o.authToken,
    TWILIO_FROM: '+15005550006',
    TWILIO_API_BASE_URL: o.apiUrl,
  };
}
