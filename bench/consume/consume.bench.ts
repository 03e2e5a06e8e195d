/**
 * Consume throughput: the JetStream transport (an `@EventPattern` handler that just returns)
 * against raw nats.js, measured in the same run.
 *
 *   npm run bench:consume
 *
 * Each round publishes N events of a type named for this run (`bench<run id>.consumed`), then each
 * side reads them through a fresh durable of its own that starts at the round's first sequence
 * (so on a shared server neither side reads anything else), the side that goes first flipping
 * every round:
 *   raw  = `consumer.consume({ max_messages: 1000 })`, `m.json()` and `m.ack()` per message;
 *   ours = a Nest app in this process (EventsModule + connectEventConsumer), its JetStreamServer
 *          dispatching to `@EventPattern(type) async handle() {}`: envelope checked, ack after
 *          the handler, metrics recorded.
 * Rate = N ÷ (first delivery → Nth handled). Prints a table, then one JSON line.
 *
 * Environment:
 *   NATS_URL            use this server (the bench removes its durables; it does not purge its subject,
 *                       whose events age out with EVENTS' max_age: before nats-server 2.9.11 a subject
 *                       purge moves every consumer whose filter covers it past its pending messages,
 *                       nats-server#3838, so it would make a live `events.>` durable skip events);
 *                       unset: a private nats-server is started and stopped (and the subject purged)
 *   DATABASE_URL        PostgreSQL for the app's outbox (a database of its own is created and dropped)
 *   BENCH_N             events per round (default 50000)
 *   BENCH_REPEATS       rounds (default 3)
 *   BENCH_SIDES         raw,ours (default both; one side for a profile under --cpu-prof)
 *   BENCH_CONCURRENCY   the app's CONSUMER_CONCURRENCY (default its own default)
 *   BENCH_DEADLINE_S    overall deadline (default 600)
 */
import { Controller, DynamicModule, INestApplication, Logger, Module } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { CLOUDEVENTS_CONTENT_TYPE, connectEventConsumer, createEnvelope, EventsModule, HEADER, NatsConnectionManager, STREAM_EVENTS, subjectForType } from '@app/events/internal';
import { sleep, TestDatabase } from '@app/testing';
import { fmtInt, fmtRatio, table } from '../support/format.js';
import { median, summarize } from '../support/stats.js';
import { runWindow } from '../support/window.js';
import { envInt, envList } from '../support/env.js';
import { natsTarget, NatsTarget } from '../support/nats-target.js';
import { runId } from '../support/run-id.js';
import { armDeadline } from '../support/deadline.js';
import { printResultRows } from '../support/result-line.js';

type Side = 'raw' | 'ours';
const N = Math.max(1, envInt('BENCH_N', 50_000));
const REPEATS = Math.max(1, envInt('BENCH_REPEATS', 3));
const SIDES = envList<Side>('BENCH_SIDES', ['raw', 'ours']);
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? envInt('BENCH_CONCURRENCY', 64, 1) : undefined;
const DEADLINE_MS = envInt('BENCH_DEADLINE_S', 600, 1) * 1000;
const GOAL = 0.9;

const RUN = runId();
const TYPE = `bench${RUN}.consumed`;
const SUBJECT = subjectForType(TYPE);
const progress = (msg: string) => process.stderr.write(`[bench:consume] ${msg}\n`);

/** What the handler side counts; read by the measuring loop. */
const seen = { n: 0, first: 0, last: 0 };
const mark = () => {
  const now = performance.now();
  if (seen.n++ === 0) seen.first = now;
  seen.last = now;
};

@Controller()
class BenchHandler {
  @EventPattern(TYPE)
  async handle(_event: unknown): Promise<void> {
    mark();
  }
}

@Module({})
class BenchConsumerModule {
  static forRoot(url: string, dbUrl: string, durable: string): DynamicModule {
    return {
      module: BenchConsumerModule,
      imports: [
        EventsModule.forRoot({
          service: 'bench-consume',
          consumer: durable,
          config: { natsServers: [url], databaseUrl: dbUrl, ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}) },
        }),
      ],
      controllers: [BenchHandler],
    };
  }
}

/** A durable on EVENTS that starts at `startSeq`, as the transport would create it (explicit ack). */
async function addDurable(jsm: JetStreamManager, durable: string, startSeq: number): Promise<void> {
  await jsm.consumers.add(STREAM_EVENTS, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: startSeq,
    filter_subject: 'events.>',
    max_ack_pending: 1000,
  });
}

async function waitSeen(n: number, what: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (seen.n < n) {
    if (Date.now() > deadline) throw new Error(`${what}: ${seen.n} of ${n} handled after 300 s`);
    await sleep(2);
  }
}

async function waitAcked(jsm: JetStreamManager, durable: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = await jsm.consumers.info(STREAM_EVENTS, durable);
    if (info.num_ack_pending === 0 && info.num_pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${durable}: ${info.num_ack_pending} unacked, ${info.num_pending} pending after 30 s`);
    await sleep(20);
  }
}

async function runRaw(url: string, jsm: JetStreamManager, durable: string, n: number): Promise<number> {
  const nc = await connect({ servers: url, name: 'bench-consume-raw', noAsyncTraces: true });
  try {
    const consumer = await jetstream(nc).consumers.get(STREAM_EVENTS, durable);
    const messages = await consumer.consume({ max_messages: 1000 });
    void (async () => {
      for await (const m of messages) {
        const e = m.json<{ type: string }>();
        if (e.type === TYPE) mark();
        m.ack();
      }
    })();
    await waitSeen(n, `raw ${durable}`);
    await messages.close();
    await waitAcked(jsm, durable);
  } finally {
    await nc.close();
  }
  return (n * 1000) / (seen.last - seen.first);
}

async function runOurs(url: string, dbUrl: string, jsm: JetStreamManager, durable: string, n: number): Promise<number> {
  const ref = await Test.createTestingModule({ imports: [BenchConsumerModule.forRoot(url, dbUrl, durable)] }).compile();
  const app: INestApplication = ref.createNestApplication({ logger: ['error', 'warn'] });
  try {
    await connectEventConsumer(app);
    await app.init();
    await waitSeen(n, `ours ${durable}`);
  } finally {
    await app.close();
  }
  await waitAcked(jsm, durable);
  return (n * 1000) / (seen.last - seen.first);
}

async function main(): Promise<number> {
  let target: NatsTarget | undefined;
  let db: TestDatabase | undefined;
  let nc: NatsConnection | undefined;
  const durables: string[] = [];
  const cleanup = async () => {
    const step = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        progress(`cleanup: ${what} failed: ${(err as Error).message}`);
      }
    };
    if (nc && !nc.isClosed()) {
      const jsm = await jetstreamManager(nc);
      for (const d of durables) await step(`deleting durable ${d}`, () => jsm.consumers.delete(STREAM_EVENTS, d));
      if (target && !target.external) await step(`purging ${SUBJECT}`, () => jsm.streams.purge(STREAM_EVENTS, { filter: SUBJECT }));
      await step('closing the connection', () => nc!.close());
    }
    if (target) await step('stopping nats-server', () => target!.close());
    if (db) await step('dropping the database', () => db!.drop());
  };
  armDeadline('consume', DEADLINE_MS, cleanup);
  try {
    target = await natsTarget();
    db = await TestDatabase.create('bench_consume');
    progress(`N=${N}, repeats=${REPEATS}, sides=${SIDES.join(',')}, type ${TYPE}, nats ${target.url}${target.external ? ' (external)' : ''}, database ${db.name}`);

    // Boot once so the app provisions the streams, and warm both paths up.
    nc = await connect({ servers: target.url, name: 'bench-consume-publisher', noAsyncTraces: true });
    const js = jetstream(nc);
    const h = headers();
    h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
    const data = { id: 'vnd_01J9Z3Q7KX4M2B8N6P0R5T', name: 'Acme Supplies Ltd', email: 'orders@acme.example', tags: ['wholesale', 'priority'], notes: 'x'.repeat(150) };
    const publishRound = async (n: number): Promise<number> => {
      let first = 0;
      await runWindow(n, 1000, async () => {
        const e = createEnvelope(TYPE, data, 'bench');
        const ack = await js.publish(SUBJECT, JSON.stringify(e), { msgID: e.id, headers: h });
        if (first === 0 || ack.seq < first) first = ack.seq;
      });
      return first;
    };
    const jsm = await jetstreamManager(nc);
    const rates: Record<Side, number[]> = { raw: [], ours: [] };
    for (let round = 0; round <= REPEATS; round++) {
      const warm = round === 0;
      const n = warm ? Math.min(N, 5_000) : N;
      // Stream exists after the first app boot; a private server needs it before the first publish.
      if (warm && !target.external) await ensureStreams(target.url, db.url);
      const startSeq = await publishRound(n);
      const order = round % 2 === 1 ? SIDES : [...SIDES].reverse();
      for (const side of order) {
        const durable = `bench-consume-${RUN}-${side}-${round}`;
        await addDurable(jsm, durable, startSeq);
        durables.push(durable);
        seen.n = 0;
        const rate = side === 'raw' ? await runRaw(target.url, jsm, durable, n) : await runOurs(target.url, db.url, jsm, durable, n);
        await jsm.consumers.delete(STREAM_EVENTS, durable);
        durables.splice(durables.indexOf(durable), 1);
        if (warm) progress(`warm-up ${side}: ${fmtInt(rate)} msgs/s (${n})`);
        else {
          rates[side].push(rate);
          progress(`round ${round}/${REPEATS} ${side.padEnd(4)}: ${fmtInt(rate)} msgs/s`);
        }
      }
      // Each round's durables start at that round's first sequence, so nothing needs the purge but
      // disk space; on a shared server it is unsafe (see NATS_URL above).
      if (!target.external) await jsm.streams.purge(STREAM_EVENTS, { filter: SUBJECT });
    }

    const raw = summarize(rates.raw);
    const ours = summarize(rates.ours);
    const ratio = ours.median / raw.median;
    const paired = rates.ours.map((o, i) => o / rates.raw[i]);
    const range = (s: typeof raw) => (s.runs.length ? `${fmtInt(s.median)} [${fmtInt(s.min)}–${fmtInt(s.max)}]` : 'n/a');
    console.log('');
    console.log(`Consume ${fmtInt(N)} stored events, handler just returns: transport vs raw nats.js, median [min–max] of ${REPEATS} alternating rounds`);
    console.log(`node ${process.version}, nats-server ${nc.info?.version ?? '?'}${target.external ? ' (external)' : ' (private, file store, R1)'}`);
    console.log(table(['path', '>raw msgs/s', '>ours msgs/s', '>ours/raw', '>paired', '>goal'], [['consume (handler returns)', range(raw), range(ours), fmtRatio(ratio), fmtRatio(median(paired)), `≥ ${GOAL}`]]));
    console.log(JSON.stringify({ bench: 'consume', n: N, repeats: REPEATS, raw: raw.runs.map(Math.round), ours: ours.runs.map(Math.round), ratio: Number(ratio.toFixed(3)), goal: GOAL }));
    if (SIDES.length === 2) printResultRows('consume', [{ scenario: `consume ${N / 1000}k stored, handler returns`, unit: 'msgs/s', raw: raw.median, ours: ours.median, ratio, goal: GOAL }]);
    return 0;
  } catch (err) {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    if (target) console.error(`nats-server log tail:\n${target.logTail()}`);
    return 1;
  } finally {
    await cleanup();
  }
}

/** Boots the app once without consuming, so EVENTS exists on a fresh private server. */
async function ensureStreams(url: string, dbUrl: string): Promise<void> {
  const ref = await Test.createTestingModule({ imports: [EventsModule.forRoot({ service: 'bench-consume', config: { natsServers: [url], databaseUrl: dbUrl } })] }).compile();
  const app = ref.createNestApplication({ logger: ['error', 'warn'] });
  await app.init();
  await new Promise<void>((ready) => app.get(NatsConnectionManager).onConnected(() => ready()));
  await app.close();
}

Logger.overrideLogger(['error', 'warn']);
main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
