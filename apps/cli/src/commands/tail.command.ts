import { Command } from 'commander';
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { argParser, usageError } from '../cli-error.js';
import { parseEnvelope, STREAM_EVENTS, subjectForPattern } from '../mesh-events.js';
import { openSession, type Session } from '../nats/connect.js';
import { allOf, type DataFilter, parseDataFilter } from '../output/data-filter.js';
import { eventLine, rawLine } from '../output/event-line.js';
import { parsePattern, parsePositiveInt, parseTimePoint } from '../parse-args.js';
import { settingsOf } from './connection-options.js';

interface TailOptions {
  json?: boolean;
  since?: Date;
  fromSeq?: number;
  filter: DataFilter[];
  count?: number;
}

/** One received message, whether it came from a core subscription or the ordered consumer. */
interface Received {
  subject: string;
  data: Uint8Array;
}

type Emit = (msg: Received) => 'more' | 'done';

function emitter(options: TailOptions): Emit {
  const matches = allOf(options.filter);
  let shown = 0;
  return ({ subject, data }) => {
    const body = Buffer.from(data).toString('utf8');
    let line: string;
    try {
      const event = parseEnvelope(body);
      if (!matches(event.data)) return 'more';
      line = options.json ? body : eventLine(event);
    } catch (err) {
      if (options.filter.length > 0) return 'more';
      line = options.json ? body : rawLine(subject, body, (err as Error).message.replace(/^Invalid event envelope: /, ''));
    }
    process.stdout.write(`${line}\n`);
    return options.count !== undefined && ++shown >= options.count ? 'done' : 'more';
  };
}

/** Where the messages come from, and how to stop it. */
interface Feed {
  messages: AsyncIterable<Received>;
  close(): Promise<void>;
}

async function openFeed(session: Session, subject: string, options: TailOptions): Promise<Feed> {
  if (!options.since && !options.fromSeq) {
    // Live only: a plain subscription, nothing on the server at all.
    const sub: Subscription = session.nc.subscribe(subject);
    return { messages: sub, close: async () => (sub.isClosed() ? undefined : sub.drain()) };
  }
  // An ordered consumer: ephemeral, no acks; deleted on the way out (a killed tail's is removed by
  // the server once inactive).
  const consumer = await session.jsm.jetstream().consumers.get(STREAM_EVENTS, {
    filter_subjects: subject,
    ...(options.since
      ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: options.since.toISOString() }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.fromSeq }),
  });
  const messages: ConsumerMessages = await consumer.consume();
  return { messages, close: () => messages.close().then(() => consumer.delete()).then(() => undefined, () => undefined) };
}

async function tail(pattern: string, options: TailOptions, command: Command): Promise<void> {
  if (options.since && options.fromSeq) throw usageError('--since and --from-seq both say where to start: give one of them');
  const session = await openSession(settingsOf(command), { reconnect: true });
  try {
    const subject = subjectForPattern(pattern);
    const feed = await openFeed(session, subject, options);
    const start = options.since ? ` from ${options.since.toISOString()}, then live` : options.fromSeq ? ` from EVENTS #${options.fromSeq}, then live` : ' live';
    process.stderr.write(`tailing ${subject}${start} (Ctrl-C stops)\n`);
    const stop = () => void feed.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const emit = emitter(options);
    try {
      for await (const msg of feed.messages) {
        if (emit(msg) === 'done') break;
      }
    } finally {
      await feed.close();
    }
  } finally {
    await session.nc.close();
  }
}

export const tailCommand = () =>
  new Command('tail')
    .description('Show live events, one line each (time, level, type, resource, source, data); Ctrl-C stops')
    .argument('[pattern]', 'event type or NATS-style pattern under events. (vendor.created, vendor.*, order.>)', argParser(parsePattern), '>')
    .option('--json', 'print each raw envelope as received, one per line')
    .option('--since <when>', 'start in the past: 10m, 2h, 7d, or an ISO time (then follow live)', argParser((v) => parseTimePoint(v)))
    .option('--from-seq <seq>', 'start at this EVENTS stream sequence (then follow live)', argParser(parsePositiveInt))
    .option('--filter <expr>', 'only events whose data matches: path=value (vendor.name=Taco) or text; repeatable, all must match',
      (v: string, all: DataFilter[]) => [...all, parseDataFilter(v)], [] as DataFilter[])
    .option('-n, --count <n>', 'exit after this many events', argParser(parsePositiveInt))
    .addHelpText('after', '\nNever creates durable state: live tails use a core subscription, --since/--from-seq an ephemeral ordered consumer.\n\nExamples:\n  mesh tail\n  mesh tail vendor.* --since 10m\n  mesh tail order.> --filter status=failed --json')
    .action(tail);
