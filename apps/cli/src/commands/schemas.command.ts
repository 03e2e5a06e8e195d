import { Command, Option } from 'commander';
import { CliError, EXIT } from '../cli-error.js';
import { buildAsyncApiDocument, latestSchemas, listRegisteredSchemas, STREAM_DLQ, STREAM_EVENTS, STREAM_REPLAY, type AsyncApiStream } from '../mesh-events.js';
import { withSession } from '../nats/connect.js';
import { print } from '../output/format.js';
import { messageOf } from '../output/error-body.js';
import { settingsOf } from './connection-options.js';

interface SchemasOptions {
  url: string;
  apiKey?: string;
  fromNats?: boolean;
}

/** The event store's document: every type it has seen, with the registered schemas. */
async function fromStore(options: SchemasOptions): Promise<unknown> {
  const url = `${options.url.replace(/\/+$/, '')}/events/asyncapi.json`;
  let res: Response;
  try {
    res = await fetch(url, { headers: options.apiKey ? { 'x-api-key': options.apiKey } : {} });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new CliError(`Cannot reach the event store at ${url}: ${cause}. Set EVENT_STORE_URL or --url, or use --from-nats`, EXIT.unreachable);
  }
  const text = await res.text();
  if (res.status === 401 || res.status === 403) throw new CliError(`The event store refused the key (HTTP ${res.status}: ${messageOf(text)}). Set ADMIN_API_KEY or --api-key`);
  if (!res.ok) throw new CliError(`The event store answered HTTP ${res.status}: ${messageOf(text)}`);
  return JSON.parse(text);
}

/** Without the store: the registered schemas (KV `event-schemas`) over the streams as they are now. */
async function fromNats(command: Command): Promise<unknown> {
  const settings = settingsOf(command);
  return withSession(settings, async ({ nc, jsm }) => {
    const streams: AsyncApiStream[] = [];
    for (const name of [STREAM_EVENTS, STREAM_DLQ, STREAM_REPLAY]) {
      try {
        const { config } = await jsm.streams.info(name);
        streams.push({ name, subjects: config.subjects, maxAgeMs: Number(config.max_age) / 1e6, replicas: config.num_replicas });
      } catch (err) {
        throw new CliError(`Stream ${name} is not readable (${(err as Error).message}): start any mesh app once, it creates the streams`, EXIT.unreachable);
      }
    }
    const types = latestSchemas(await listRegisteredSchemas(nc)).map((s) => ({ type: s.type, schema: s.schema, version: s.version, schemaId: s.id }));
    return buildAsyncApiDocument(types, streams, { servers: settings.servers });
  });
}

async function schemas(options: SchemasOptions, command: Command): Promise<void> {
  const doc = options.fromNats ? await fromNats(command) : await fromStore(options);
  print(JSON.stringify(doc, null, 2));
}

export const schemasCommand = () =>
  new Command('schemas')
    .description("Print the mesh's AsyncAPI 3 document: event types, their registered schemas, the DLQ and replay channels, the streams")
    .addOption(new Option('--url <url>', 'the event store').env('EVENT_STORE_URL').default('http://127.0.0.1:3001'))
    .addOption(new Option('--api-key <key>', 'its admin key (needed once ADMIN_API_KEY is set)').env('ADMIN_API_KEY'))
    .option('--from-nats', 'build it from the event-schemas bucket and the streams, without the event store (registered types only)')
    .addHelpText('after', '\nExamples:\n  mesh schemas > asyncapi.json\n  mesh schemas --from-nats --server nats://127.0.0.1:4222')
    .action(schemas);
