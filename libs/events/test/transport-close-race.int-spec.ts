import { TestingModule, Test } from '@nestjs/testing';
import { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { CloudEvent, EventsModule, EventsService, JetStreamServer, NatsConnectionManager, STREAM_EVENTS, STREAM_REPLAY } from '@app/events';
import { deferred, Deferred, LogCapture, waitFor, within } from '@app/testing';
import { Mesh, rawConnect, startMesh, testConfig } from './support.js';

/** The await points of the transport's start-up and reconnect paths that these tests hold. */
type Point = 'provision' | 'get' | 'consume';
/** Each consumer app runs two lanes (durables): one on EVENTS, one on EVENTS_REPLAY. */
type LaneStream = string;

interface Gate {
  reached: Deferred<void>;
  release: Deferred<void>;
}

/**
 * Holds the transport at a chosen await point of a chosen lane: the wrapped client calls wait
 * there until the test releases them, so close() can be made to run at exactly that moment (no
 * sleeps, no luck). A lane's calls can also be made to fail, to send the transport into its retry pause.
 */
class Gates {
  private armed = new Map<string, Gate>();
  private failing = new Map<string, { err: Error; first: Deferred<void> }>();
  readonly iterators: { stream: string; messages: ConsumerMessages }[] = [];
  callsAfterClose = 0;
  closed = false;

  arm(point: Point, stream: LaneStream = STREAM_EVENTS) {
    const gate: Gate = { reached: deferred<void>(), release: deferred<void>() };
    this.armed.set(`${point} ${stream}`, gate);
    return { reached: gate.reached.promise, release: () => gate.release.resolve() };
  }

  /**
   * Every `point` call of the lane fails with `err` from now on (none is held): the transport
   * cannot tell it from an API timeout, and retries after a pause. Resolves at the first failure.
   */
  fail(point: Point, stream: LaneStream, err: Error): Promise<void> {
    const first = deferred<void>();
    this.failing.set(`${point} ${stream}`, { err, first });
    return first.promise;
  }

  /** The iterator `consume()` handed to the lane, once it has one. */
  iterator(stream: LaneStream): Promise<ConsumerMessages> {
    return waitFor(() => this.iterators.find((i) => i.stream === stream)?.messages as ConsumerMessages, { timeoutMs: 15_000, intervalMs: 5, message: `no iterator for ${stream}` });
  }

  async pass(point: Point, stream: string): Promise<void> {
    // A provisioning call already under way may finish; a new pull consumer must not start.
    if (this.closed && point !== 'provision') this.callsAfterClose++;
    const key = `${point} ${stream}`;
    const failing = this.failing.get(key);
    if (failing) {
      failing.first.resolve();
      throw failing.err;
    }
    const gate = this.armed.get(key);
    if (!gate) return;
    this.armed.delete(key);
    gate.reached.resolve();
    await gate.release.promise;
  }

  /** The parts of the JetStream client and manager the transport calls, each through its gate. */
  wrap(nats: NatsConnectionManager): void {
    const jetstream = nats.jetStream.bind(nats);
    const manager = nats.jetStreamManager.bind(nats);
    const consumer = (c: Consumer, stream: string) =>
      ({
        consume: async (opts: Parameters<Consumer['consume']>[0]) => {
          await this.pass('consume', stream);
          const messages = await c.consume(opts);
          this.iterators.push({ stream, messages });
          return messages;
        },
      }) as unknown as Consumer;
    Object.defineProperty(nats, 'jetStream', {
      value: () => {
        const js = jetstream();
        // The rest of the client (publishing) stays as it is: a derived object overrides `consumers` only.
        return Object.assign(Object.create(js) as JetStreamClient, {
          consumers: {
            get: async (stream: string, durable: string) => {
              await this.pass('get', stream);
              return consumer(await js.consumers.get(stream, durable), stream);
            },
          },
        });
      },
    });
    Object.defineProperty(nats, 'jetStreamManager', {
      value: () => {
        const jsm = manager();
        const gated =
          <A extends [string, ...unknown[]], R>(fn: (...args: A) => Promise<R>) =>
          async (...args: A) => {
            await this.pass('provision', args[0]);
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

/**
 * The transport logs a warning right before each retry pause, in the same synchronous step as the
 * pause starts; a test awaiting that line runs its next step while the transport is in the pause.
 */
class WarnSignal extends LogCapture {
  private waiters: { match: RegExp; seen: Deferred<void> }[] = [];

  constructor() {
    super(true);
  }

  next(match: RegExp): Promise<void> {
    const seen = deferred<void>();
    this.waiters.push({ match, seen });
    return seen.promise;
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(message, ...rest);
    const line = String(message);
    for (const w of this.waiters.filter((x) => x.match.test(line))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.seen.resolve();
    }
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
    const logs = new WarnSignal();
    ref.useLogger(logs);
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
    return { consumer, nats, server, gates, ref, shutdown, logs };
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
    await within(Promise.all(app.gates.iterators.map((i) => i.messages.closed())), 5_000, 'closing the consume iterators');
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

  const everyPoint: [Point, LaneStream][] = (['provision', 'get', 'consume'] as const).flatMap((p) => [STREAM_EVENTS, STREAM_REPLAY].map((st): [Point, LaneStream] => [p, st]));

  it.each(everyPoint)('start-up: close() while the transport awaits %s of the %s lane', async (point, stream) => {
    const app = await boot();
    const gate = app.gates.arm(point, stream);
    listen(app);
    await within(gate.reached, 15_000, `reaching ${point} of ${stream}`);
    await closeAndCheck(app, gate.release);
  });

  it.each<LaneStream>([STREAM_EVENTS, STREAM_REPLAY])('start-up: close() in the retry pause after provisioning the %s lane failed', async (stream) => {
    const app = await boot();
    const failed = app.gates.fail('provision', stream, new Error('injected: JetStream API timeout'));
    const pausing = app.logs.next(/not provisioned \(attempt 1\), retrying/);
    listen(app);
    await within(failed, 15_000, 'the failing provision call');
    await within(pausing, 15_000, 'the retry pause');
    await closeAndCheck(app, () => undefined);
  });

  /** An app consuming on both lanes; `ending` is how the EVENTS lane's iterator is made to end. */
  async function consuming() {
    const app = await boot();
    listen(app);
    const messages = await app.gates.iterator(STREAM_EVENTS);
    await app.gates.iterator(STREAM_REPLAY);
    return { app, messages };
  }

  // nats.js ends a consume iterator quietly (connection closed, subscription drained) or with an
  // error (permissions, a terminal status): either way the loop pauses, then gets and consumes again.
  const endings: [string, (m: ConsumerMessages) => void][] = [
    ['ends quietly', (m) => m.stop()],
    ['fails', (m) => m.stop(new Error('injected: consumer deleted'))],
  ];

  it.each(endings)('consume-loop restart: close() in the pause after the iterator %s', async (_how, end) => {
    const { app, messages } = await consuming();
    const pausing = app.logs.next(new RegExp(`consumer ${app.consumer}[: ].*restarting`));
    end(messages);
    await within(pausing, 15_000, 'the restart pause');
    await closeAndCheck(app, () => undefined);
  });

  it.each(['get', 'consume'] as const)('consume-loop restart: close() while the restarted loop awaits %s', async (point) => {
    const { app, messages } = await consuming();
    const gate = app.gates.arm(point, STREAM_EVENTS);
    messages.stop(new Error('injected: consumer deleted'));
    await within(gate.reached, 15_000, `the restarted loop reaching ${point}`);
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

  /** An app consuming on both lanes whose nats-server restarts under it; `arm` runs before the restart. */
  async function reconnecting<T>(arm: (app: Awaited<ReturnType<typeof boot>>) => T) {
    const { app } = await consuming();
    const armed = arm(app);
    await mesh.nats.restart();
    return { app, armed };
  }

  it.each<LaneStream>([STREAM_EVENTS, STREAM_REPLAY])('reconnect: close() while the %s lane is re-provisioned after nats-server restarts', async (stream) => {
    const { app, armed: gate } = await reconnecting((a) => a.gates.arm('provision', stream));
    await within(gate.reached, 20_000, 're-provisioning after the reconnect');
    await closeAndCheck(app, gate.release);
  });

  it('reconnect: close() in the retry pause after re-provisioning failed', async () => {
    const { app, armed } = await reconnecting((a) => ({
      failed: a.gates.fail('provision', STREAM_EVENTS, new Error('injected: JetStream not ready')),
      pausing: a.logs.next(/not provisioned \(attempt 1\), retrying/),
    }));
    await within(armed.failed, 20_000, 'the failing re-provision call');
    await within(armed.pausing, 15_000, 'the retry pause');
    await closeAndCheck(app, () => undefined);
  });
});
