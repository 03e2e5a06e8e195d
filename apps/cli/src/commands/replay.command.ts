import { Command, Option } from 'commander';
import { messageOf } from '../output/error-body.js';
import { argParser, CliError, EXIT, usageError } from '../cli-error.js';
import { print } from '../output/format.js';
import { withSpinner } from '../output/progress.js';
import { parseConsumer, parsePattern, parsePositiveInt, parseTimePoint } from '../parse-args.js';

interface ReplayOptions {
  consumer: string;
  type?: string;
  since?: Date;
  until?: Date;
  resourceType?: string;
  resourceId?: string;
  limit?: number;
  url: string;
  apiKey?: string;
  json?: boolean;
}

interface ReplayResponse {
  consumer: string;
  queued: number;
  filter: Record<string, unknown>;
}

async function post(url: string, apiKey: string | undefined, body: Record<string, unknown>): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
      body: JSON.stringify(body),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new CliError(`Cannot reach the event store at ${url}: ${cause}. Set EVENT_STORE_URL or --url`, EXIT.unreachable);
  }
}

async function replay(options: ReplayOptions): Promise<void> {
  if (options.since && options.until && options.until <= options.since) throw usageError('--until must be later than --since');
  const url = `${options.url.replace(/\/+$/, '')}/events/replay`;
  const body = Object.fromEntries(
    Object.entries({
      consumer: options.consumer,
      type: options.type,
      resourceType: options.resourceType,
      resourceId: options.resourceId,
      from: options.since?.toISOString(),
      to: options.until?.toISOString(),
      limit: options.limit,
    }).filter(([, v]) => v !== undefined),
  );
  const res = await withSpinner(`replaying to ${options.consumer}…`, post(url, options.apiKey, body));
  const text = await res.text();
  if (res.status === 400) throw usageError(`The event store rejected the replay: ${messageOf(text)}`);
  if (res.status === 401 || res.status === 403) {
    throw new CliError(`The event store refused the admin key (HTTP ${res.status}: ${messageOf(text)}). Set ADMIN_API_KEY or --api-key`);
  }
  if (!res.ok) throw new CliError(`Replay failed (HTTP ${res.status}): ${messageOf(text)}`);
  const result = JSON.parse(text) as ReplayResponse;
  if (options.json) return print(text);
  print(`queued ${result.queued} events for ${result.consumer} (${result.consumer}-replay reads them from EVENTS_REPLAY)`);
}

export const replayCommand = () =>
  new Command('replay')
    .description("Re-deliver stored events to one consumer app through the event store's replay API")
    .requiredOption('--consumer <name>', 'the consumer app (its durable name, e.g. search-sync)', argParser(parseConsumer))
    .option('--type <pattern>', 'event type or pattern (vendor.created, vendor.*, order.>)', argParser(parsePattern))
    .option('--since <when>', 'events from this time: 10m, 2h, 7d back, or an ISO time', argParser((v) => parseTimePoint(v)))
    .option('--until <when>', 'events before this time (same forms)', argParser((v) => parseTimePoint(v)))
    .option('--resource-type <type>', 'only events about this kind of resource')
    .option('--resource-id <id>', 'only events about this resource')
    .option('--limit <n>', 'at most this many events, oldest first (the store caps it at 100000)', argParser(parsePositiveInt))
    .addOption(new Option('--url <url>', 'the event store').env('EVENT_STORE_URL').default('http://127.0.0.1:3001'))
    .addOption(new Option('--api-key <key>', 'its admin key').env('ADMIN_API_KEY'))
    .option('--json', "print the store's answer as JSON")
    .addHelpText('after', '\nExamples:\n  mesh replay --consumer search-sync --type vendor.* --since 7d\n  mesh replay --consumer webhook-dispatcher --type order.> --since 2025-03-01T00:00:00Z --until 2025-03-02T00:00:00Z')
    .action(replay);
