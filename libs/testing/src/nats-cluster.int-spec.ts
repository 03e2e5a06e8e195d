import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { NatsClusterHarness } from './nats-cluster.js';
import { waitFor } from './wait.js';

describe(NatsClusterHarness.name, () => {
  let cluster: NatsClusterHarness;
  let nc: NatsConnection;

  beforeAll(async () => {
    cluster = await NatsClusterHarness.start();
    nc = await connect({ servers: cluster.urls, name: 'harness-probe', maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.close();
  });

  it('starts three named nodes on distinct ports that form one JetStream cluster', async () => {
    expect(cluster.nodes.map((n) => n.name)).toEqual(['mesh-1', 'mesh-2', 'mesh-3']);
    expect(new Set(cluster.nodes.map((n) => n.port)).size).toBe(3);
    expect(new Set(cluster.nodes.map((n) => n.storeDir)).size).toBe(3);
    expect(cluster.url.split(',')).toEqual(cluster.urls);
    const jsz = await cluster.nodes[0]!.monitor<{ meta_cluster?: { cluster_size?: number; leader?: string } }>('/jsz');
    expect(jsz.meta_cluster?.cluster_size).toBe(3);
    expect(cluster.nodes.map((n) => n.name)).toContain(jsz.meta_cluster?.leader);
  });

  it('names the node a client is connected to, from the client and from the servers', async () => {
    const serving = await cluster.nodesServing('harness-probe');
    expect(serving.map((n) => n.name)).toEqual([cluster.nodeOf(nc).name]);
    expect(await cluster.nodesServing('nobody')).toEqual([]);
  });

  it('finds the leader of an R3 stream, which keeps its messages when the leader is killed -9, and rejoins after a restart', async () => {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'], num_replicas: 3 });
    for (let i = 0; i < 20; i++) await js.publish('harness.x', String(i), { msgID: `h-${i}` });

    const leader = await cluster.streamLeader('HARNESS');
    await leader.kill();
    expect(leader.running).toBe(false);

    const next = await cluster.streamLeader('HARNESS');
    expect(next.name).not.toBe(leader.name);
    const info = await waitFor(() => jsm.streams.info('HARNESS'), { timeoutMs: 20_000, message: 'stream info after the election' });
    expect(info.state.messages).toBe(20);

    await cluster.restart(leader);
    expect(leader.running).toBe(true);
    await waitFor(
      async () => {
        const { cluster: c } = await jsm.streams.info('HARNESS');
        return c?.replicas?.length === 2 && c.replicas.every((r) => r.current && !r.offline);
      },
      { timeoutMs: 20_000, message: 'the restarted node did not catch up' },
    );
  });

  it('moves a client to a surviving node when its node is killed', async () => {
    const before = cluster.nodeOf(nc);
    await before.kill();
    try {
      await waitFor(async () => nc.info?.server_name !== before.name && (await nc.rtt()) >= 0, { timeoutMs: 10_000, message: 'no reconnect' });
      const serving = await cluster.nodesServing('harness-probe');
      expect(serving.map((n) => n.name)).toEqual([cluster.nodeOf(nc).name]);
      expect(serving[0]!.name).not.toBe(before.name);
    } finally {
      await cluster.restart(before);
    }
  });
});
