import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { setTimeout as tick } from 'node:timers/promises';
import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { EventsModule, EventsService, STREAM_DLQ, STREAM_EVENTS } from '@app/events';
import { AppProcess, NatsClusterHarness, TestDatabase, waitFor } from '@app/testing';

// The failover run, on one machine: a 3-node JetStream cluster, a producer publishing
// 20,000 events at a steady rate through EventsService, and two event-store processes sharing
// its durable. While it runs: kill -9 the EVENTS stream leader and restart it, kill -9 one
// event-store replica, then kill -9 the node the surviving replica is connected to. Every event
// whose publish resolved must end up stored exactly once (rows by event id).

const TOTAL = 20_000;
const RATE_PER_S = 400;
const TYPE = 'failover.tested';
/** Published counts at which the faults happen, spread over the run. */
const AT = { killLeader: 3_000, restartLeader: 6_000, killReplica: 9_000, killConsumerNode: 12_000, restartConsumerNode: 16_000 };

interface Outcome {
  id: string;
  queued: boolean;
  startedAt: number;
  ms: number;
}

interface Fault {
  what: string;
  sent: number;
  at: number;
}

const longest = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0);
const longestGap = (times: number[]) => longest(times.slice(1).map((t, i) => t - times[i]!));

interface Span {
  start: number;
  end: number;
}

/**
 * The longest span (a publish, a gap between stored rows) fault `i` is to blame for: the last fault
 * that had begun by a second after the span began. The second takes in what was under way when the
 * fault struck (the last row stored before it, a publish just sent); a span that began later, even
 * if it ends after the next fault, still belongs to the fault in effect.
 */
function costOf(spans: Span[], faults: Fault[], i: number): number {
  const blamed = spans.filter((s) => faults.findLastIndex((f) => f.at <= s.start + 1_000) === i);
  return longest(blamed.map((s) => s.end - s.start));
}

describe('a 3-node cluster losing nodes and consumer replicas mid-run (real nats-servers, event-store processes, PostgreSQL)', () => {
  let cluster: NatsClusterHarness;
  let db: TestDatabase;
  let producer: INestApplication;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const stores: AppProcess[] = [];

  beforeAll(async () => {
    cluster = await NatsClusterHarness.start();
    db = await TestDatabase.create('cluster_failover');
    const ref = await Test.createTestingModule({
      imports: [EventsModule.forRoot({ service: 'failover-producer', config: { natsServers: cluster.urls, databaseUrl: db.url, streamReplicas: 3 } })],
    }).compile();
    producer = ref.createNestApplication({ logger: ['error'] });
    await producer.init();
    nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const env = {
      NATS_URL: cluster.url,
      DATABASE_URL: db.url,
      EVENTS_STREAM_REPLICAS: '3',
      // Deliveries held by the replica killed below come back after this (the default is 30 s).
      CONSUMER_ACK_WAIT: '5s',
    };
    stores.push(...(await Promise.all([AppProcess.start('event-store', { env }), AppProcess.start('event-store', { env })])));
  });

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.stop()));
    await producer?.close();
    await nc?.close();
    await cluster?.close();
    await db?.drop();
  });

  it('stores every event whose publish resolved exactly once, through leader, node and replica kills', async () => {
    const events = producer.get(EventsService);
    const outcomes: Outcome[] = [];
    const rejected: Error[] = [];
    const pending: Promise<void>[] = [];
    let sent = 0;

    const publishOne = (i: number) => {
      const started = Date.now();
      pending.push(
        events.publishEvent(TYPE, { i }).then(
          (r) => void outcomes.push({ id: r.id, queued: r.queued, startedAt: started, ms: Date.now() - started }),
          (err: Error) => void rejected.push(err),
        ),
      );
    };
    // Open loop: events arrive at the rate whether or not earlier publishes have resolved.
    const produce = async () => {
      const start = Date.now();
      while (sent < TOTAL) {
        const due = Math.min(TOTAL, Math.floor(((Date.now() - start) * RATE_PER_S) / 1_000));
        while (sent < due) publishOne(sent++);
        await tick(10);
      }
    };

    let consumedByKilled = 0;
    const faults: Fault[] = [];
    /** Runs a fault and records it; its time is when it began, so the pause it causes falls in its window. */
    const fault = async (action: () => Promise<string>) => {
      const at = Date.now();
      const atSent = sent;
      faults.push({ what: await action(), sent: atSent, at });
    };
    const whenSent = (n: number) => waitFor(() => sent >= n, { timeoutMs: 120_000, intervalMs: 20, message: `${n} events not sent` });
    const leaders = async () => {
      const producerOn = (await cluster.nodesServing('failover-producer')).map((n) => n.name).join(',');
      return `${STREAM_EVENTS} led by ${(await cluster.streamLeader(STREAM_EVENTS)).name}, durable by ${(await cluster.consumerLeader(STREAM_EVENTS, 'event-store')).name}, producer on ${producerOn}`;
    };
    const chaos = async () => {
      await whenSent(AT.killLeader);
      const leader = await cluster.streamLeader(STREAM_EVENTS);
      await fault(async () => {
        const before = await leaders();
        await leader.kill();
        return `kill -9 ${leader.name} (${before})`;
      });
      await whenSent(AT.restartLeader);
      await fault(async () => {
        await cluster.restart(leader);
        return `restart ${leader.name} (${await leaders()})`;
      });
      await whenSent(AT.killReplica);
      await fault(async () => {
        consumedByKilled = await consumedBy(stores[0]!);
        await stores[0]!.kill();
        return `kill -9 event-store replica pid ${stores[0]!.pid} (it had stored ${consumedByKilled})`;
      });
      await whenSent(AT.killConsumerNode);
      // Only the survivor's connection is left once the server has noticed the killed one's is gone.
      const node = (await waitFor(
        async () => {
          const serving = await cluster.nodesServing('event-store');
          return serving.length === 1 ? serving[0] : undefined;
        },
        { message: 'not exactly one node serves the surviving event-store replica' },
      ))!;
      await fault(async () => {
        const before = await leaders();
        await node.kill();
        return `kill -9 ${node.name}, the surviving event-store's node (${before})`;
      });
      await whenSent(AT.restartConsumerNode);
      await fault(async () => {
        await cluster.restart(node);
        return `restart ${node.name} (${await leaders()})`;
      });
    };

    const runStarted = Date.now();
    await Promise.all([produce(), chaos()]);
    await Promise.all(pending);
    const publishedIn = Date.now() - runStarted;

    const resolved = new Set(outcomes.map((o) => o.id));
    const storedRows = async () => (await db.query<{ id: string }>('SELECT id FROM events WHERE type = $1', [TYPE])).rows;
    await waitFor(
      async () => (await storedRows()).filter((r) => resolved.has(r.id)).length === resolved.size && (await outboxSize()) === 0,
      { timeoutMs: 120_000, intervalMs: 500, message: 'not every resolved publish was stored' },
    );
    const rows = await storedRows();
    const storedIds = new Set(rows.map((r) => r.id));
    const stream = await jsm.streams.info(STREAM_EVENTS, { subjects_filter: `events.${TYPE}` });
    const dlq = await jsm.streams.info(STREAM_DLQ, { subjects_filter: 'dlq.>' });
    const arrivals = await arrivalTimes();
    // What each fault cost: the longest publish, and the longest stretch without a new row in the
    // store, that it caused (see costOf).
    const storeGaps = arrivals.slice(1).map((end, i) => ({ start: arrivals[i]!, end }));
    const publishes = outcomes.map((o) => ({ start: o.startedAt, end: o.startedAt + o.ms }));
    const costs = faults.map((f, i) => ({ ...f, publishStallMs: costOf(publishes, faults, i), storeGapMs: costOf(storeGaps, faults, i) }));
    const report = {
      published: outcomes.length,
      consumedByKilledReplica: consumedByKilled,
      viaOutbox: outcomes.filter((o) => o.queued).length,
      rejected: rejected.length,
      stored: [...resolved].filter((id) => storedIds.has(id)).length,
      duplicates: rows.length - storedIds.size,
      streamCopiesBeyondOne: (stream.state.subjects?.[`events.${TYPE}`] ?? 0) - resolved.size,
      missing: [...resolved].filter((id) => !storedIds.has(id)).length,
      deadLettered: dlq.state.messages,
      longestPublishMs: longest(outcomes.map((o) => o.ms)),
      longestStoreGapMs: longestGap(arrivals),
      publishSeconds: Math.round(publishedIn / 100) / 10,
    };
    const table = costs.map((g) => `  ${String(g.sent).padStart(6)} sent  ${String(g.publishStallMs).padStart(6)} ms  ${String(g.storeGapMs).padStart(6)} ms  ${g.what}`);
    process.stdout.write(
      `\ncluster failover run, ${TOTAL} events at ${RATE_PER_S}/s\n  at            longest   longest\n                publish   store gap\n${table.join('\n')}\n${JSON.stringify(report, null, 2)}\n`,
    );

    expect(rejected.map((e) => e.message)).toEqual([]);
    expect(report).toMatchObject({ published: TOTAL, stored: TOTAL, duplicates: 0, streamCopiesBeyondOne: 0, missing: 0, deadLettered: 0 });
    expect(faults).toHaveLength(5);
    // Both replicas did a share: the killed one before it died, the survivor the rest.
    expect(consumedByKilled).toBeGreaterThan(0);
    expect(await consumedBy(stores[1]!)).toBeGreaterThan(0);
    expect(stores[1]!.running).toBe(true);
  }, 300_000);

  /** Events this event-store process handled, from its /metrics. */
  async function consumedBy(store: AppProcess): Promise<number> {
    const text = await (await fetch(`${store.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('mesh_events_consumed_total{') && l.includes(`type="${TYPE}"`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }

  const outboxSize = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mesh_outbox')).rows[0]!.n;

  /** When each event of the run arrived in the store (received_at, ms), in order. */
  async function arrivalTimes(): Promise<number[]> {
    const { rows } = await db.query<{ t: string }>(`SELECT (extract(epoch FROM received_at) * 1000)::bigint AS t FROM events WHERE type = $1 ORDER BY received_at`, [TYPE]);
    return rows.map((r) => Number(r.t));
  }
});
