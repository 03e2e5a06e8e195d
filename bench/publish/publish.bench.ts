/**
 * Publish throughput: EventsService.publishEvent against raw nats.js, measured in the same run.
 *
 *   npm run bench:publish
 *
 * Uses the nats-server at NATS_URL, or starts a private one (NatsServerHarness), and a fresh
 * PostgreSQL database (TestDatabase, on DATABASE_URL's server, for the service's outbox, which is
 * only touched when JetStream cannot take a publish), boots an app with EventsModule in this
 * process, and measures, for each mode, raw nats.js and the service alternately (which side goes
 * first flips every repeat). Events have a type named for this run (`bench<run id>.created`), and
 * each run is checked by how many messages of that subject it added to EVENTS. On a private server
 * the subject is purged before each run and at the end; on NATS_URL it is never purged (the events
 * age out with EVENTS' max_age): nats-server before 2.9.11 moves every consumer whose filter covers
 * a purged subject past its pending messages (nats-server#3838), so a purge would make a live
 * `events.>` durable (the event-store's) skip events.
 * Reports the median msgs/s of each side, the ratio service/raw and whether the goals (≥ 0.95
 * sequential, ≥ 0.9 pipelined) are met: a table on stdout, then one JSON line. Progress goes to stderr.
 *
 * Environment:
 *   NATS_URL                 an existing server to use (default: start a private one)
 *   BENCH_DEADLINE_S         overall deadline; past it the bench cleans up and exits 124 (default 600)
 *   BENCH_N                  messages per pipelined run (default 20000)
 *   BENCH_SEQ_N              messages per sequential run (default 5000, or BENCH_N/4 when BENCH_N is set)
 *   BENCH_REPEATS            measured repeats per side and mode (default 3)
 *   BENCH_MODES              comma list of modes to run: seq,w100,w1000 (default all)
 *   BENCH_SIDES              comma list: raw,service (default both; e.g. `service` under --cpu-prof)
 *   BENCH_STACK_TRACE_LIMIT  Error.stackTraceLimit for the whole process, i.e. both sides (default 10, Node's own)
 *   BENCH_PAYLOAD_BYTES      size of the serialised envelope (default 430)
 */
import { INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, headers, NatsConnection, nuid } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  EventsModule,
  EventsService,
  HEADER,
  NatsConnectionManager,
  STREAM_EVENTS,
  subjectForType,
} from '@app/events/internal';
import { sleep, TestDatabase } from '@app/testing';
import { fmtInt, fmtRatio, table } from '../support/format.js';
import { median, summarize, Summary } from '../support/stats.js';
import { runWindow } from '../support/window.js';
import { envInt, envList } from '../support/env.js';
import { natsTarget, NatsTarget } from '../support/nats-target.js';
import { runId } from '../support/run-id.js';
import { armDeadline } from '../support/deadline.js';
import { printResultRows } from '../support/result-line.js';

// ---------------------------------------------------------------- configuration


const N = envInt('BENCH_N', 20_000);
const SEQ_N = envInt('BENCH_SEQ_N', process.env.BENCH_N ? Math.max(1, Math.round(N / 4)) : 5_000);
const REPEATS = Math.max(1, envInt('BENCH_REPEATS', 3));
const STACK_TRACE_LIMIT = envInt('BENCH_STACK_TRACE_LIMIT', 10);
const PAYLOAD_BYTES = envInt('BENCH_PAYLOAD_BYTES', 430);
const DEADLINE_MS = envInt('BENCH_DEADLINE_S', 600, 1) * 1000;

const SERVICE = 'bench';
const TYPE = `bench${runId()}.created`;
const SUBJECT = subjectForType(TYPE); // events.bench<run id>.created

type Side = 'raw' | 'service';
interface Mode {
  key: string;
  label: string;
  inFlight: number;
  n: number;
  warmup: number;
  goal: number;
}
const ALL_MODES: Mode[] = [
  { key: 'seq', label: 'sequential (1 in flight)', inFlight: 1, n: SEQ_N, warmup: Math.min(500, SEQ_N), goal: 0.95 },
  { key: 'w100', label: '100 in flight', inFlight: 100, n: N, warmup: Math.min(3_000, N), goal: 0.9 },
  { key: 'w1000', label: '1000 in flight', inFlight: 1000, n: N, warmup: Math.min(3_000, N), goal: 0.9 },
];
const MODES = envList('BENCH_MODES', ALL_MODES.map((m) => m.key)).map((k) => ALL_MODES.find((m) => m.key === k)!);
const SIDES = envList('BENCH_SIDES', ['raw', 'service']) as Side[];

// One process, one setting: both sides run under the same Error.stackTraceLimit.
Error.stackTraceLimit = STACK_TRACE_LIMIT;
const stackLimitNotes: string[] = [];
/** Re-asserts the limit before every run, noting it if anything (a library, say) changed it meanwhile. */
function checkStackTraceLimit(where: string): void {
  if (Error.stackTraceLimit !== STACK_TRACE_LIMIT) {
    stackLimitNotes.push(`Error.stackTraceLimit found at ${Error.stackTraceLimit} (${where}); reset to ${STACK_TRACE_LIMIT}`);
    Error.stackTraceLimit = STACK_TRACE_LIMIT;
  }
}

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------- payloads

/** Business data of the event; `notes` pads the serialised envelope to PAYLOAD_BYTES. */
const baseData = {
  id: 'vnd_01J9Z3Q7KX4M2B8N6P0R5T',
  name: 'Acme Supplies Ltd',
  email: 'orders@acme.example',
  country: 'GB',
  currency: 'GBP',
  tags: ['wholesale', 'priority', 'net-30'],
  createdAt: '2024-05-01T12:00:00.000Z',
  notes: '',
};
type BenchData = typeof baseData;

/** The envelope the raw side builds itself: the same CloudEvents shape and key order as the service's. */
const rawEnvelope = (id: string, data: BenchData) => ({
  specversion: '1.0',
  id,
  source: SERVICE,
  type: TYPE,
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data,
  level: 'info',
});

const padTo = (data: BenchData, size: (d: BenchData) => number): BenchData => ({
  ...data,
  notes: 'x'.repeat(Math.max(0, PAYLOAD_BYTES - size(data))),
});

// ---------------------------------------------------------------- the two sides

interface Publisher {
  side: Side;
  publishOne(): Promise<void>;
  /** Publishes that did not land in the stream as a new message (duplicate ack or outbox). */
  anomalies: { duplicate: number; queued: number };
}

function rawPublisher(nc: NatsConnection, data: BenchData): Publisher {
  const js = jetstream(nc);
  const p: Publisher = {
    side: 'raw',
    anomalies: { duplicate: 0, queued: 0 },
    async publishOne() {
      const id = nuid.next();
      const h = headers();
      h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
      const ack = await js.publish(SUBJECT, JSON.stringify(rawEnvelope(id, data)), { msgID: id, headers: h });
      if (ack.duplicate) p.anomalies.duplicate++;
    },
  };
  return p;
}

function servicePublisher(events: EventsService, data: BenchData): Publisher {
  const p: Publisher = {
    side: 'service',
    anomalies: { duplicate: 0, queued: 0 },
    async publishOne() {
      const r = await events.publishEvent(TYPE, data);
      if (r.queued) p.anomalies.queued++;
      else if (r.duplicate) p.anomalies.duplicate++;
    },
  };
  return p;
}

// ---------------------------------------------------------------- runs

/** Messages of this run's subject in EVENTS (the stream may hold others on a shared server). */
async function streamMessages(jsm: JetStreamManager): Promise<number> {
  const info = await jsm.streams.info(STREAM_EVENTS, { subjects_filter: SUBJECT });
  return info.state.subjects?.[SUBJECT] ?? 0;
}

/**
 * One measured (or warm-up) run; returns msgs/s after checking every message landed. `shared`: the
 * server is NATS_URL's, so the subject is not purged and the run is checked by what it added.
 */
async function measure(jsm: JetStreamManager, pub: Publisher, mode: Mode, n: number, what: string, shared: boolean): Promise<number> {
  if (!shared) await jsm.streams.purge(STREAM_EVENTS, { filter: SUBJECT });
  const already = shared ? await streamMessages(jsm) : 0;
  await sleep(100);
  checkStackTraceLimit(`before ${what}`);
  const before = { ...pub.anomalies };
  const ms = await runWindow(n, mode.inFlight, () => pub.publishOne());
  checkStackTraceLimit(`after ${what}`);
  const stored = (await streamMessages(jsm)) - already;
  const duplicate = pub.anomalies.duplicate - before.duplicate;
  const queued = pub.anomalies.queued - before.queued;
  if (stored !== n || duplicate || queued) {
    throw new Error(`${what}: ${n} publishes left ${stored} messages in ${STREAM_EVENTS} (${duplicate} duplicate acks, ${queued} sent to the outbox)`);
  }
  return (n * 1000) / ms;
}

interface ModeResult {
  mode: Mode;
  raw?: Summary;
  service?: Summary;
  ratio: number;
  pairedRatios: number[];
}

async function main(): Promise<number> {
  progress(
    `N=${N} (pipelined), ${SEQ_N} (sequential), repeats=${REPEATS}, modes=${MODES.map((m) => m.key).join(',')}, ` +
      `sides=${SIDES.join(',')}, Error.stackTraceLimit=${STACK_TRACE_LIMIT}`,
  );
  let server: NatsTarget | undefined;
  let db: TestDatabase | undefined;
  let app: INestApplication | undefined;
  let nc: NatsConnection | undefined;
  const cleanup = async () => {
    const step = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        progress(`cleanup: ${what} failed: ${(err as Error).message}`);
      }
    };
    if (app) await step('closing the app', () => app!.close());
    if (nc && !nc.isClosed()) {
      if (server && !server.external) {
        await step(`purging ${SUBJECT}`, async () => (await jetstreamManager(nc!)).streams.purge(STREAM_EVENTS, { filter: SUBJECT }));
      }
      await step('closing the raw connection', () => nc!.close());
    }
    if (server) await step('stopping nats-server', () => server!.close());
    if (db) await step('dropping the database', () => db!.drop());
  };
  armDeadline('publish', DEADLINE_MS, cleanup);
  try {
    server = await natsTarget();
    db = await TestDatabase.create('bench');
    progress(`nats-server ${server.url}${server.external ? ' (external)' : ''}, database ${db.name}, type ${TYPE}`);

    // The app provisions the streams (EVENTS, EVENTS_DLQ, EVENTS_REPLAY) on connect.
    const ref = await Test.createTestingModule({
      imports: [EventsModule.forRoot({ service: SERVICE, config: { natsServers: [server.url], databaseUrl: db.url } })],
    }).compile();
    app = ref.createNestApplication({ logger: ['error', 'warn'] });
    await app.init();
    // Connected, streams provisioned.
    const nats = app.get(NatsConnectionManager);
    await new Promise<void>((ready) => nats.onConnected(() => ready()));
    const events = app.get(EventsService);

    // Raw side: its own connection with nats.js's fastest options.
    nc = await connect({ servers: server.url, name: 'bench-raw', noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.info(STREAM_EVENTS); // provisioned by the app

    const serviceData = padTo(baseData, (d) => Buffer.byteLength(JSON.stringify(events.createEvent(TYPE, d))));
    const rawData = padTo(baseData, (d) => Buffer.byteLength(JSON.stringify(rawEnvelope(nuid.next(), d))));
    const payloadBytes = {
      raw: Buffer.byteLength(JSON.stringify(rawEnvelope(nuid.next(), rawData))),
      service: Buffer.byteLength(JSON.stringify(events.createEvent(TYPE, serviceData))),
    };
    progress(`payload bytes: raw ${payloadBytes.raw}, service ${payloadBytes.service}`);

    const publishers: Record<Side, Publisher> = {
      raw: rawPublisher(nc, rawData),
      service: servicePublisher(events, serviceData),
    };

    // Warm-up: every mode, each side, not recorded.
    for (const mode of MODES) {
      for (const side of SIDES) {
        const rate = await measure(jsm, publishers[side], mode, mode.warmup, `warm-up ${side} ${mode.key}`, server.external);
        progress(`warm-up ${side.padEnd(7)} ${mode.label}: ${fmtInt(rate)} msgs/s (${mode.warmup} msgs)`);
      }
    }

    const runs: Record<string, Record<Side, number[]>> = {};
    for (const mode of MODES) runs[mode.key] = { raw: [], service: [] };
    for (let rep = 0; rep < REPEATS; rep++) {
      const order = rep % 2 === 0 ? SIDES : [...SIDES].reverse();
      for (const mode of MODES) {
        for (const side of order) {
          const rate = await measure(jsm, publishers[side], mode, mode.n, `run ${rep + 1} ${side} ${mode.key}`, server.external);
          runs[mode.key][side].push(rate);
          progress(`run ${rep + 1}/${REPEATS} ${side.padEnd(7)} ${mode.label}: ${fmtInt(rate)} msgs/s`);
        }
      }
    }
    checkStackTraceLimit('at the report');

    const results: ModeResult[] = MODES.map((mode) => {
      const r = runs[mode.key];
      const raw = r.raw.length ? summarize(r.raw) : undefined;
      const service = r.service.length ? summarize(r.service) : undefined;
      return {
        mode,
        raw,
        service,
        ratio: raw && service ? service.median / raw.median : Number.NaN,
        pairedRatios: raw && service ? r.service.map((s, i) => s / r.raw[i]) : [],
      };
    });

    const range = (s?: Summary) => (s ? `${fmtInt(s.median)} [${fmtInt(s.min)}–${fmtInt(s.max)}]` : 'n/a');
    const verdict = (r: ModeResult) => (Number.isFinite(r.ratio) ? (r.ratio >= r.mode.goal ? 'yes' : 'NO') : 'n/a');
    const info = nc.info;
    console.log('');
    console.log(`Publish throughput, EventsService vs raw nats.js, median [min–max] of ${REPEATS} alternating runs`);
    console.log(
      `node ${process.version}, nats-server ${info?.version ?? '?'} (file store, R1), ${payloadBytes.service}-byte envelope ` +
        `(raw ${payloadBytes.raw}), Error.stackTraceLimit = ${STACK_TRACE_LIMIT} for both sides`,
    );
    console.log(
      'raw = @nats-io/transport-node connect({ noAsyncTraces: true }), jetstream(nc).publish(subject, JSON.stringify(envelope), ' +
        '{ msgID: nuid, headers: Content-Type }) per message',
    );
    console.log(`service = EventsService.publishEvent('${TYPE}', data) from an in-process Nest app (EventsModule.forRoot)`);
    console.log('service/raw = ratio of the medians (judged against the goal); paired = median of the per-repeat ratios');
    console.log('');
    console.log(
      table(
        ['mode', '>N', '>raw msgs/s', '>service msgs/s', '>service/raw', '>paired', '>goal', 'met'],
        results.map((r) => [
          r.mode.label,
          fmtInt(r.mode.n),
          range(r.raw),
          range(r.service),
          fmtRatio(r.ratio),
          r.pairedRatios.length ? fmtRatio(median(r.pairedRatios)) : 'n/a',
          `≥ ${r.mode.goal}`,
          verdict(r),
        ]),
      ),
    );
    const judged = results.filter((r) => Number.isFinite(r.ratio));
    const allMet = judged.length > 0 && judged.every((r) => r.ratio >= r.mode.goal);
    console.log('');
    console.log(judged.length ? `Goals ${allMet ? 'met' : 'NOT met'}: ${judged.map((r) => `${r.mode.key} ${fmtRatio(r.ratio)} ${verdict(r)}`).join(', ')}` : 'Goals not judged (one side only)');
    for (const note of stackLimitNotes) console.log(`note: ${note}`);
    console.log(
      JSON.stringify({
        bench: 'publish',
        node: process.version,
        natsServer: info?.version,
        stackTraceLimit: STACK_TRACE_LIMIT,
        stackTraceLimitNotes: stackLimitNotes,
        payloadBytes,
        repeats: REPEATS,
        results: results.map((r) => ({
          mode: r.mode.key,
          inFlight: r.mode.inFlight,
          n: r.mode.n,
          raw: r.raw && { median: Math.round(r.raw.median), min: Math.round(r.raw.min), max: Math.round(r.raw.max), runs: r.raw.runs.map(Math.round) },
          service: r.service && {
            median: Math.round(r.service.median),
            min: Math.round(r.service.min),
            max: Math.round(r.service.max),
            runs: r.service.runs.map(Math.round),
          },
          ratio: Number.isFinite(r.ratio) ? Number(r.ratio.toFixed(3)) : null,
          pairedRatios: r.pairedRatios.map((x) => Number(x.toFixed(3))),
          goal: r.mode.goal,
          met: Number.isFinite(r.ratio) ? r.ratio >= r.mode.goal : null,
        })),
        goalsMet: judged.length ? allMet : null,
      }),
    );
    printResultRows(
      'publish',
      judged.map((r) => ({ scenario: `publish ${r.mode.label}`, unit: 'msgs/s', raw: r.raw!.median, ours: r.service!.median, ratio: r.ratio, goal: r.mode.goal })),
    );
    return 0;
  } catch (err) {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    if (server) console.error(`nats-server log tail:\n${server.logTail()}`);
    return 1;
  } finally {
    await cleanup();
  }
}

Logger.overrideLogger(['error', 'warn']);
// Exit explicitly: a lingering handle must not keep a finished bench alive.
main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
