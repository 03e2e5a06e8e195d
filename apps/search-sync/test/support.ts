import { ConsoleLogger, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { connectEventConsumer, createEnvelope, HEADER, replaySubject, STREAM_EVENTS, STREAM_REPLAY, subjectForType, type CloudEvent, type EventsConfig } from '@app/events/internal';
import { formatLogLine, NatsServerHarness, TestDatabase, waitFor, writeRunLog } from '@app/testing';
import { AppModule, type SearchSyncAppOptions } from '../src/app.module.js';
import { configureApp } from '../src/configure-app.js';
import type { SearchSyncConfig } from '../src/config/search-sync-env.js';
import type { VendorData } from '../../vendor-service/src/vendors/vendor-data.js';

export const CONSUMER = 'search-sync';

/** Warnings the failure tests provoke on purpose are asserted, not printed (only kept in the run log, for the secret scan). */
class QuietLogger extends ConsoleLogger {
  override warn(message: unknown, ...rest: unknown[]): void {
    if (process.env.SEARCH_SYNC_TEST_VERBOSE) super.warn(message, ...rest);
    else writeRunLog(`${formatLogLine('warn', [message, ...rest])}\n`);
  }
}

export interface RunningSearchSync {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Fast retry schedules so failure paths finish within a test. */
export const syncEventsConfig = (nats: NatsServerHarness, db: TestDatabase, extra: Partial<EventsConfig> = {}): Partial<EventsConfig> => ({
  natsServers: [nats.url],
  databaseUrl: db.url,
  backoffMs: [200, 400, 800],
  maxDeliver: 50,
  ackWaitMs: 10_000,
  adminApiKey: 'test-admin-key',
  ...extra,
});

/** The search settings of a test: the local index unless the test names Algolia. */
export const localSearch = (extra: Partial<SearchSyncConfig> = {}): Partial<SearchSyncConfig> => ({ provider: 'local', algolia: undefined, ...extra });

/** search-sync in this process, set up as main.ts does (consumer included). */
export async function startSearchSync(options: SearchSyncAppOptions): Promise<RunningSearchSync> {
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot(options)] }).compile();
  const app = configureApp(ref.createNestApplication({ logger: new QuietLogger({ logLevels: ['error', 'warn'] }) }));
  await connectEventConsumer(app);
  await app.listen(0, '127.0.0.1');
  let closed: Promise<void> | undefined;
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => (closed ??= app.close()) };
}

/** A raw JetStream client, as any producer (or a relay) would publish. */
export class RawPublisher {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
  ) {}

  static async connect(url: string): Promise<RawPublisher> {
    const nc = await connect({ servers: url });
    return new RawPublisher(nc, jetstream(nc), await jetstreamManager(nc));
  }

  /** Publishes an envelope on its subject; `replay` sends it to search-sync's replay lane instead. */
  async publish(event: CloudEvent | Record<string, unknown>, opts: { msgID?: string; replay?: boolean } = {}) {
    const h = headers();
    h.set(HEADER.contentType, 'application/cloudevents+json');
    if (opts.replay) h.set(HEADER.replay, 'replay');
    const subject = opts.replay ? replaySubject(CONSUMER, String(event.type)) : subjectForType(String(event.type));
    // A generous timeout: tests publish thousands at once, and on a busy machine a PubAck can take longer than the 5 s default.
    return this.js.publish(subject, JSON.stringify(event), { msgID: opts.msgID ?? `${String(event.id)}-${Math.random()}`, headers: h, timeout: 30_000 });
  }

  /** Waits until both search-sync durables have nothing pending or unacknowledged. */
  idle(timeoutMs = 30_000) {
    return waitFor(
      async () => {
        for (const [stream, durable] of [[STREAM_EVENTS, CONSUMER], [STREAM_REPLAY, `${CONSUMER}-replay`]]) {
          const info = await this.jsm.consumers.info(stream, durable);
          if (info.num_pending !== 0 || info.num_ack_pending !== 0) return false;
        }
        return true;
      },
      { timeoutMs, message: 'the search-sync consumers did not drain' },
    );
  }

  close() {
    return this.nc.close();
  }
}

let counter = 0;

/** A vendor exactly as vendor-service's events carry it. */
export type TestVendor = VendorData;

export function vendor(overrides: Partial<TestVendor> = {}): TestVendor {
  counter++;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    name: `Vendor ${counter}`,
    description: null,
    phone: null,
    email: 'owner@example.com',
    website: null,
    open: true,
    primaryImage: null,
    lat: 52.52,
    long: 13.4,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

type Vendor = TestVendor;
const at = (time?: string) => (time ? { time } : {});
/** vendor.created / updated / deleted envelopes as vendor-service publishes them. */
export const vendorEvent = {
  created: (v: Vendor, time?: string) => createEnvelope('vendor.created', v, 'vendor-service', { subject: v.id, resourceType: 'vendor', ...at(time) }),
  updated: (v: Vendor, time?: string, changedfields = 'name') =>
    createEnvelope('vendor.updated', v, 'vendor-service', { subject: v.id, resourceType: 'vendor', extensions: { changedfields }, ...at(time) }),
  deleted: (v: Vendor, time?: string) => createEnvelope('vendor.deleted', v, 'vendor-service', { subject: v.id, resourceType: 'vendor', ...at(time) }),
};
