import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  connectEventConsumer, EventsConfig, EventsHealthModule, EventsModule, EventsService, SCHEMA_BUCKET, SCHEMA_HEAD_BUCKET, SchemaRegistry, STREAM_DLQ, STREAM_EVENTS, STREAM_REPLAY,
} from '@app/events/internal';
import { NatsClusterHarness, TestDatabase, waitFor } from '@app/testing';
import { RecorderModule } from '../../../test/fixtures/recorder/recorder.module.js';

const STREAMS = [STREAM_EVENTS, STREAM_DLQ, STREAM_REPLAY];

describe('EventsModule on a 3-node JetStream cluster (real nats-servers and PostgreSQL)', () => {
  let cluster: NatsClusterHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    cluster = await NatsClusterHarness.start();
    db = await TestDatabase.create('events_cluster');
    nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    jsm = await jetstreamManager(nc, { timeout: 10_000 });
  });

  // Each test starts a new fault: it waits until the previous test's restarted node serves again.
  beforeEach(async () => {
    const hasEvents = await jsm.streams.info(STREAM_EVENTS).then(() => true, () => false);
    await cluster.settled(hasEvents ? 'events.cluster.settle' : undefined);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await nc?.close();
    await cluster?.close();
    await db?.drop();
  });

  const config = (extra: Partial<EventsConfig>): Partial<EventsConfig> => ({
    natsServers: cluster.urls,
    databaseUrl: db.url,
    backoffMs: [200, 400],
    maxDeliver: 10,
    ackWaitMs: 3_000,
    ...extra,
  });

  async function startApp(imports: Parameters<typeof Test.createTestingModule>[0]['imports'], consumer: boolean): Promise<INestApplication> {
    const ref = await Test.createTestingModule({ imports }).compile();
    const app = ref.createNestApplication({ logger: ['error'] });
    if (consumer) await connectEventConsumer(app);
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return app;
  }
  const startRecorder = (extra: Partial<EventsConfig>, consumer = 'recorder') =>
    startApp([RecorderModule.forRoot({ consumer, config: config(extra) }, { instance: 'cluster' })], true);
  const startProducer = (name: string, extra: Partial<EventsConfig>) =>
    startApp([EventsModule.forRoot({ service: name, config: config(extra) })], false);
  const close = async (app: INestApplication) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };

  const streamReplicas = async (name: string) => (await jsm.streams.info(name)).config.num_replicas;
  const durableReplicas = async (stream: string, durable: string) => (await jsm.consumers.info(stream, durable)).config.num_replicas;
  const handledIds = async (type: string) =>
    (await db.query<{ event_id: string }>('SELECT event_id FROM recorder_handled WHERE type = $1', [type])).rows.map((r) => r.event_id);

  it('brings R1 streams, durables and the schema bucket up to R3 when asked, and never back down', async () => {
    const r1 = await startRecorder({ streamReplicas: 1 });
    await r1.get(SchemaRegistry).register('cluster.tested', 1, { type: 'object' });
    // A registration over the API's path creates the heads bucket too, at the same replicas.
    await r1.get(SchemaRegistry).registerNew('cluster.tested', 2, { type: 'object' });
    await waitFor(() => jsm.consumers.info(STREAM_REPLAY, 'recorder-replay'), { message: 'the R1 durables were not created' });
    for (const s of STREAMS) expect(await streamReplicas(s)).toBe(1);
    expect(await streamReplicas(`KV_${SCHEMA_BUCKET}`)).toBe(1);
    expect(await streamReplicas(`KV_${SCHEMA_HEAD_BUCKET}`)).toBe(1);
    expect(await durableReplicas(STREAM_EVENTS, 'recorder')).toBe(1);
    await close(r1);

    const r3 = await startRecorder({ streamReplicas: 3 });
    await waitFor(
      async () => {
        for (const s of [...STREAMS, `KV_${SCHEMA_BUCKET}`, `KV_${SCHEMA_HEAD_BUCKET}`]) expect(await streamReplicas(s)).toBe(3);
        expect(await durableReplicas(STREAM_EVENTS, 'recorder')).toBe(3);
        expect(await durableReplicas(STREAM_REPLAY, 'recorder-replay')).toBe(3);
        return true;
      },
      { timeoutMs: 20_000, message: 'the streams and durables did not reach 3 replicas' },
    );
    // Every copy is placed on its own node.
    await waitFor(
      async () => {
        const { cluster: placement } = await jsm.streams.info(STREAM_EVENTS);
        return placement?.leader && new Set([placement.leader, ...(placement.replicas ?? []).map((r) => r.name)]).size === 3;
      },
      { timeoutMs: 20_000, message: 'EVENTS has no leader and two replicas on three distinct nodes' },
    );

    // An app left on the single-server default does not strip the cluster of its copies.
    const producer = await startProducer('r1-producer', { streamReplicas: 1 });
    await producer.get(EventsService).publishEvent('cluster.tested', {});
    for (const s of STREAMS) expect(await streamReplicas(s)).toBe(3);
    await close(producer);
    await close(r3);
  });

  it('resolves publishes made while the stream leader is killed -9 without the outbox, each stored once', async () => {
    const app = await startProducer('election-producer', { streamReplicas: 3 });
    const events = app.get(EventsService);
    await events.publishEvent('cluster.warmed', {});
    const before = (await jsm.streams.info(STREAM_EVENTS)).state.messages;

    const leader = await cluster.streamLeader(STREAM_EVENTS);
    await leader.kill();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => events.publishEvent('cluster.elected', { i })));
    await cluster.restart(leader);

    expect(results.filter((r) => r.queued)).toEqual([]);
    const info = await jsm.streams.info(STREAM_EVENTS);
    expect(info.state.messages - before).toBe(20);
    expect(new Set(results.map((r) => r.seq)).size).toBe(20);
    await close(app);
  });

  it('keeps publishing when the node the producer is connected to is killed -9, retrying at once on the next node', async () => {
    // A PubAck timeout far beyond the test's waits: publishes in flight on the dead connection must
    // be retried when it drops, not when their PubAck times out.
    const PUBACK_TIMEOUT_MS = 60_000;
    const app = await startProducer('moving-producer', { streamReplicas: 3, publishTimeoutMs: PUBACK_TIMEOUT_MS });
    const events = app.get(EventsService);
    await events.publishEvent('cluster.warmed', {});
    const [node] = await cluster.nodesServing('moving-producer');
    const before = (await jsm.streams.info(STREAM_EVENTS)).state.messages;

    // One publish after another, so one is waiting for its PubAck when the connection dies.
    const results: { queued: boolean; ms: number }[] = [];
    let stop = false;
    const producing = (async () => {
      for (let i = 0; !stop; i++) {
        const t = Date.now();
        const r = await events.publishEvent('cluster.moved', { i });
        results.push({ queued: r.queued, ms: Date.now() - t });
      }
    })();
    await waitFor(() => results.length >= 50, { message: 'the producer did not get going' });
    await node!.kill();
    const countAtKill = results.length;
    await waitFor(() => results.length >= countAtKill + 50, { timeoutMs: 30_000, message: 'publishing did not go on after the kill' });
    stop = true;
    await producing;
    const took = Math.max(...results.map((r) => r.ms));
    const [now] = await cluster.nodesServing('moving-producer');
    await cluster.restart(node!);

    expect(took).toBeLessThan(PUBACK_TIMEOUT_MS);
    expect(results.filter((r) => r.queued)).toEqual([]);
    expect(now!.name).not.toBe(node!.name);
    expect((await jsm.streams.info(STREAM_EVENTS)).state.messages - before).toBe(results.length);
    await close(app);
  });

  it('keeps consuming on a surviving node when the consumer\'s node and then the durable\'s leader are killed -9', async () => {
    // A durable of its own: the earlier tests killed nodes while `recorder` had no client, and an
    // idle R3 durable whose leader died can stay leaderless on 2.9.10 (see NatsClusterHarness.settled).
    await startRecorder({ streamReplicas: 3 }, 'survivor');
    const producer = await startProducer('consumed-producer', { streamReplicas: 3 });
    const events = producer.get(EventsService);
    const published: string[] = [];
    const publish = async (n: number) => {
      for (let i = 0; i < n; i++) published.push((await events.publishEvent('cluster.consumed', { i })).id);
    };
    const allHandled = (message: string) =>
      waitFor(async () => new Set(await handledIds('cluster.consumed')).size === published.length, { timeoutMs: 30_000, message });

    await publish(20);
    await allHandled('the recorder did not consume the first batch');

    const [consumerNode] = await cluster.nodesServing('survivor');
    await consumerNode!.kill();
    await publish(20);
    await allHandled('the recorder did not go on after its node was killed');
    await cluster.restart(consumerNode!);

    const durableLeader = await cluster.consumerLeader(STREAM_EVENTS, 'survivor');
    await durableLeader.kill();
    await publish(20);
    await allHandled('the recorder did not go on after the durable leader was killed');
    await cluster.restart(durableLeader);

    expect(new Set(await handledIds('cluster.consumed'))).toEqual(new Set(published));
  });

  it('reports the stream leader and the copies that are behind in /health/events', async () => {
    const app = await startApp([EventsModule.forRoot({ service: 'health-probe', config: config({ streamReplicas: 3 }) }), EventsHealthModule], false);
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const stream = async () => ((await (await fetch(`${url}/health/events`)).json()) as { details: { stream: Record<string, unknown> } }).details.stream;
    const leader = await cluster.streamLeader(STREAM_EVENTS);
    await waitFor(async () => (await stream()).leader === leader.name, { message: 'no leader in /health/events' });
    expect(await stream()).toMatchObject({ status: 'up', replicas: 3, replicasBehind: [] });

    const follower = cluster.nodes.find((n) => n !== leader)!;
    await follower.kill();
    try {
      await waitFor(async () => JSON.stringify((await stream()).replicasBehind) === JSON.stringify([follower.name]), {
        timeoutMs: 20_000,
        message: 'the killed follower was not reported behind',
      });
    } finally {
      await cluster.restart(follower);
    }
    await waitFor(async () => ((await stream()).replicasBehind as string[]).length === 0, { timeoutMs: 20_000, message: 'the follower did not catch up' });
    await close(app);
  });
});
