import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { argParser, CliError, usageError } from '../cli-error.js';
import { assertEventSize, assertStorable, checkRegisteredSchema, CLOUDEVENTS_CONTENT_TYPE, createEnvelope, DEFAULT_EVENT_MAX_BYTES, EventTooLargeError, type EventLevel, HEADER, subjectForType, UnstorableDataError } from '../mesh-events.js';
import { withSession } from '../nats/connect.js';
import { print } from '../output/format.js';
import { parseEventType, parseLevel } from '../parse-args.js';
import { settingsOf } from './connection-options.js';

interface PublishOptions {
  source: string;
  subject?: string;
  level?: EventLevel;
  id?: string;
  json?: boolean;
}

/** The data argument: JSON text, `@file` or `-` for stdin. */
function readData(arg: string): unknown {
  let text = arg;
  let from = 'the argument';
  try {
    if (arg === '-') [text, from] = [readFileSync(0, 'utf8'), 'stdin'];
    else if (arg.startsWith('@')) [text, from] = [readFileSync(arg.slice(1), 'utf8'), arg.slice(1)];
  } catch (err) {
    throw usageError(`Cannot read ${arg === '-' ? 'stdin' : arg.slice(1)}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw usageError(`The data in ${from} is not JSON (${(err as Error).message}): pass a JSON value such as '{"name":"Taco"}', @file or - for stdin`);
  }
}

/** The mesh's limit, as the apps read it (EVENT_MAX_BYTES), so the CLI refuses what consumers would. */
function eventMaxBytes(): number {
  const raw = process.env.EVENT_MAX_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_EVENT_MAX_BYTES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024) throw usageError(`EVENT_MAX_BYTES must be a whole number of bytes, at least 1024 (got ${JSON.stringify(raw)})`);
  return n;
}

async function publish(type: string, dataArg: string, options: PublishOptions, command: Command): Promise<void> {
  const data = readData(dataArg);
  const event = createEnvelope(type, data, options.source, { subject: options.subject, level: options.level, id: options.id });
  const maxBytes = eventMaxBytes();
  const headers = natsHeaders();
  headers.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
  const ack = await withSession(settingsOf(command), async ({ nc, jsm }) => {
    // A schema some producer registered for this type applies here too, as in publishEvent.
    const schemaId = await checkRegisteredSchema(nc, type, data);
    if (schemaId) event.dataschema = schemaId;
    const payload = JSON.stringify(event);
    try {
      assertEventSize(payload, maxBytes);
      assertStorable(payload, event);
    } catch (err) {
      if (err instanceof EventTooLargeError || err instanceof UnstorableDataError) throw usageError(`${type} not published: ${err.message}`);
      throw err;
    }
    try {
      return await jsm.jetstream().publish(subjectForType(type), payload, { msgID: event.id, headers });
    } catch (err) {
      // nats.js reports "no responders" (no stream on the subject) as "jetstream is not enabled".
      const noStream = /no responders|not enabled/i.test((err as Error).message);
      throw new CliError(noStream
        ? `No stream takes ${subjectForType(type)}: start any mesh app once, it creates the streams EVENTS, EVENTS_DLQ and EVENTS_REPLAY`
        : `JetStream did not take ${type}: ${(err as Error).message}`);
    }
  });
  if (options.json) return print(JSON.stringify({ stream: ack.stream, seq: ack.seq, id: event.id, duplicate: ack.duplicate }));
  const dup = ack.duplicate ? ' (duplicate: an event with this id is already in the stream)' : '';
  print(`published ${type} as ${ack.stream} #${ack.seq}, id ${event.id}${dup}`);
}

export const publishCommand = () =>
  new Command('publish')
    .description('Publish one event to events.<type> and print its stream sequence')
    .argument('<type>', 'event type: lowercase resource.action, e.g. vendor.created', argParser(parseEventType))
    .argument('<data>', "the data: JSON text, @file, or - to read stdin")
    .option('--source <name>', 'the envelope source', 'mesh-cli')
    .option('--subject <id>', 'the resource id the event is about (envelope subject)')
    .option('--level <level>', 'debug, info, success, warn or error (default info)', argParser(parseLevel))
    .option('--id <id>', 'event id (a retry with the same id is stored once); a UUID v7 by default')
    .option('--json', 'print {stream, seq, id, duplicate} as JSON')
    .addHelpText('after', `\nExamples:\n  mesh publish vendor.created '{"name":"Taco Stand"}' --subject v-42\n  mesh publish order.failed @order.json --level error\n  echo '{"n":1}' | mesh publish job.done -`)
    .action(publish);
