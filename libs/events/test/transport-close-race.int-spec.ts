import { TestingModule, Test } from '@nestjs/testing';
import { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { CloudEvent, EventsModule, EventsService, JetStreamServer, NatsConnectionManager, STREAM_EVENTS } from '@app/events';
import { deferred, Deferred, waitFor } from '@app/testing';
import { Mesh, rawConnect, startMesh, testConfig } from './support.js';

/** The await points of the transport's start-up and reconnect paths that these tests hold. */
type Point = 'provision' | 'get' | 'consume';

/**
 * Holds the transport at a chosen await point: the wrapped client calls wait there until the test
 * releases them, so close() can be made to run at exactly that moment (no sleeps, no luck).
 */
class Gates {
  private armed = new Map<Point, { reached: Deferred<void>; release: Deferred<void> }>();
  readonly iterators: ConsumerMessages[] = [];
  callsAfterClose = 0;
  closed = false;

  arm(point: Point) {
    const gate = { reached: deferred<void>(), release: deferred<void>() };
    this.armed.set(point, gate);
    return { reached: gate.reached.promise, release: () => gate.release.resolve() };
  }

  async pass(point: Point): Promise<void> {
    // A provisioning call already under way may finish; a new pull consumer must not start.
    if (this.closed && point !== 'provision') this.callsAfterClose++;
    const gate = this.armed.get(point);
    if (!gate) return;
    this.armed.delete(point);
    gate.reached.resolve();
    await gate.release.promise;
  }

  /** The parts of the JetStream client and manager the transport calls, each through its gate. */
  wrap(nats: NatsConnectionManager): void {
    const jetstream = Object.getOwnPropertyDescriptor(NatsConnectionManager.prototype, 'jetstream')!.get!;
    const manager = Object.getOwnPropertyDescriptor(NatsConnectionManager.prototype, 'manager')!.get!;
    const consumer = (c: Consumer) =>
      ({
        consume: async (opts: Parameters<Consumer['consume']>[0]) => {
          await this.pass('consume');
          const messages = await c.consume(opts);
          this.iterators.push(messages);
          return messages;
        },
      }) as unknown as Consumer;
    Object.defineProperty(nats, 'jetstream', {
      get: () => {
        const js = jetstream.call(nats) as JetStreamClient | undefined;
        if (!js) return undefined;
        // The rest of the client (publishing) stays as it is: a derived object overrides `consumers` only.
        return Object.assign(Object.create(js) as JetStreamClient, {
          consumers: {
            get: async (stream: string, durable: string) => {
              await this.pass('get');
              return consumer(await js.consumers.get(stream, durable));
            },
          },
        });
      },
    });
    Object.defineProperty(nats, 'manager', {
      get: () => {
        const jsm = manager.call(nats) as JetStreamManager | undefined;
        if (!jsm) return undefined;
        const gated =
          <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
          async (...args: A) => {
            await this.pass('provision');
            return fn(...args);
          };
        return Object.assign(Object.create(jsm) as JetStreamManager, {
          consumers: Object.assign(Object.create(jsm.consumers) as JetStreamManager['consumers'], {
            info: gated(jsm.consumers.info.bind(jsm.consumers)),
            add: gated(jsm.consumers.add.bind(jsm.consumers)),
            update: gated(jsm.consumers.update.bind(jsm.consumers)),
          }),
        });
      },
    });
  }
}

/** Rejects when `promise` does not settle in time: a hang fails the test instead of the run. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface ConnzSub {
  subject: string;
}
interface Connz {
  connections: { name?: string; subscriptions_list_detail?: ConnzSub[] }[];
}

describe('JetStreamServer.close() at every await point of start-up and reconnect (real nats-server)', () => {
  let mesh: Mesh;
  let n = 0;

  beforeAll(async () => {
    mesh = await startMesh('closerace');
  });
  afterAll(async () => {
    await mesh?.close();
  });

  /** A consumer app's event module with a transport whose client calls pass through gates. */
  async function boot(handler: (event: CloudEvent) => Promise<void> = async () => undefined) {
    const consumer = `race-${++n}`;
    const ref: TestingModule = await Test.createTestingModule({
      imports: [EventsModule.forRoot({ service: consumer, consumer, config: testConfig(mesh, { concurrency: 1, natsServers: [mesh.nats.url] }) })],
    }).compile();
    ref.useLogger(['error']);
    const nats = ref.get(NatsConnectionManager);
    const server = ref.get(JetStreamServer);
    const gates = new Gates();
    gates.wrap(nats);
    server.addHandler('order.*', handler, true);
    let shutDown = false;
    const shutdown = async () => {
      if (shutDown) return;
      shutDown = true;
      await ref.close();
    };
    mesh.defer(shutdown);
    return { consumer, nats, server, gates, ref, shutdown };
  }

  /**
   * What "stopped" means: close() returns, every iterator it started is closed, no client call
   * comes after, and the server sees no pull or advisory subscription left on the connection.
   */
  async function closeAndCheck(app: Awaited<ReturnType<typeof boot>>, release: () => void): Promise<void> {
    const closing = app.server.close();
    app.gates.closed = true;
    release();
    await within(closing, 15_000, 'close()');
    await within(Promise.all(app.gates.iterators.map((i) => i.closed())), 5_000, 'closing the consume iterators');
    await waitFor(
      async () => {
        const connz = await mesh.nats.monitor<Connz>('/connz?subs=detail');
        const subjects = connz.connections.filter((c) => c.name === app.consumer).flatMap((c) => (c.subscriptions_list_detail ?? []).map((s) => s.subject));
        // The transport's own: MAX_DELIVERIES advisories and a pull consumer's inbox (`_INBOX.<nuid>`).
        expect(subjects.filter((s) => s.includes('.ADVISORY.') || /^_INBOX\.[A-Za-z0-9]+$/.test(s))).toEqual([]);
        return true;
      },
      { timeoutMs: 5_000, message: 'pull or advisory subscriptions still open after close()' },
    );
    expect(app.gates.callsAfterClose).toBe(0);
    await within(app.shutdown(), 10_000, 'draining the NATS connection');
  }

  const listen = (app: Awaited<ReturnType<typeof boot>>) => app.server.listen(() => undefined);

  it.each<Point>(['provision', 'get', 'consume'])('start-up: close() while the transport awaits %s', async (point) => {
    const app = await boot();
    const gate = app.gates.arm(point);
    listen(app);
    await within(gate.reached, 15_000, `reaching ${point}`);
    await closeAndCheck(app, gate.release);
  });

  it('start-up: close() while the loop waits for a handler slot hands the fetched message back unhandled', async () => {
    const firstStarted = deferred<void>();
    const finishFirst = deferred<void>();
    const handledIds: string[] = [];
    const app = await boot(async (event) => {
      handledIds.push(event.id);
      if (handledIds.length === 1) {
        firstStarted.resolve();
        await finishFirst.promise;
      }
    });
    listen(app);
    const events = app.ref.get(EventsService);
    const first = await events.publishEvent('order.created', { n: 1 });
    await events.publishEvent('order.created', { n: 2 });
    await within(firstStarted.promise, 15_000, 'the first handler');
    // Both delivered to this client: the second is fetched and waits for the only slot.
    const jsm = await jetstreamManager(await rawConnect(mesh));
    await waitFor(async () => (await jsm.consumers.info(STREAM_EVENTS, app.consumer)).num_ack_pending === 2, { message: 'second message not fetched' });
    await closeAndCheck(app, () => finishFirst.resolve());
    expect(handledIds).toEqual([first.id]);
  });

  it('reconnect: close() while the durable is re-provisioned after nats-server restarts', async () => {
    const app = await boot();
    const started = app.gates.arm('consume');
    listen(app);
    await within(started.reached, 15_000, 'the first consume');
    started.release();
    const gate = app.gates.arm('provision');
    await mesh.nats.restart();
    await within(gate.reached, 20_000, 're-provisioning after the reconnect');
    await closeAndCheck(app, gate.release);
  });
});
