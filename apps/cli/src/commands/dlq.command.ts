import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { argParser, CliError, EXIT, usageError } from '../cli-error.js';
import { DeadLetterStore, type DeadLetterFilter, type RedriveReport, type StoredDeadLetter } from '../mesh-events.js';
import { withSession } from '../nats/connect.js';
import { recordCliAudit } from '../audit/cli-audit.js';
import { print, table, truncate } from '../output/format.js';
import { Progress } from '../output/progress.js';
import { parseConsumer, parsePattern, parsePositiveInt } from '../parse-args.js';
import { settingsOf } from './connection-options.js';

interface FilterOptions {
  consumer?: string;
  type?: string;
}

const consumerOption = (what: string) => new Option('--consumer <name>', what).argParser(argParser(parseConsumer));
const typeOption = () => new Option('--type <pattern>', 'only this event type or pattern (vendor.created, vendor.*)').argParser(argParser(parsePattern));
const filterOf = (o: FilterOptions): DeadLetterFilter => ({ consumer: o.consumer, type: o.type });
/** ` of search-sync of type vendor.*`, or nothing without a filter. */
const describeFilter = (f: DeadLetterFilter) => [f.consumer && ` of ${f.consumer}`, f.type && ` of type ${f.type}`].filter(Boolean).join('');

async function ls(options: FilterOptions & { limit: number; json?: boolean }, command: Command): Promise<void> {
  const filter = filterOf(options);
  const [letters, total] = await withSession(settingsOf(command), async ({ jsm }) => {
    const store = new DeadLetterStore(jsm);
    return Promise.all([store.list({ ...filter, limit: options.limit }), store.count(filter)]);
  });
  if (options.json) return print(...letters.map((l) => JSON.stringify(l)));
  if (letters.length === 0) return print(`No dead letters${describeFilter(filter)}.`);
  const rows = letters.map((l) => [
    String(l.seq), l.time, l.consumer, l.type, l.reason, String(l.deliveries ?? '-'), l.envelope?.id ?? '-', truncate(l.error, 60),
  ]);
  print(...table(['SEQ', 'DEAD-LETTERED', 'CONSUMER', 'TYPE', 'REASON', 'DELIVERIES', 'EVENT ID', 'ERROR'], rows, ''));
  print(`${letters.length} of ${total} dead letters${describeFilter(filter)}, newest first${letters.length < total ? ` (--limit ${options.limit})` : ''}.`);
}

function render(letter: StoredDeadLetter): string[] {
  const lines = [
    `Dead letter #${letter.seq} on ${letter.subject}, ${letter.time}`,
    `  consumer    ${letter.consumer}`,
    `  type        ${letter.type}`,
    `  reason      ${letter.reason || '-'}`,
    `  error       ${letter.error || '-'}`,
    `  original    ${letter.originalSubject}${letter.originalSeq ? ` #${letter.originalSeq}` : ''}`,
    `  deliveries  ${letter.deliveries ?? '-'}`,
    '',
    'Headers',
    ...Object.entries(letter.headers).map(([k, v]) => `  ${k}: ${v}`),
    '',
  ];
  if (letter.envelope) return [...lines, 'Envelope', JSON.stringify(letter.envelope, null, 2)];
  return [...lines, 'Body (not JSON, shown as stored)', letter.body];
}

async function show(seq: number, options: { json?: boolean }, command: Command): Promise<void> {
  const letter = await withSession(settingsOf(command), ({ jsm }) => new DeadLetterStore(jsm).show(seq));
  print(...(options.json ? [JSON.stringify(letter)] : render(letter)));
}

function reportRedrive(report: RedriveReport): void {
  for (const r of report.redriven) print(`redrove #${r.dlqSeq} (${r.type}) to ${r.consumer}: ${r.consumer}-replay gets it as EVENTS_REPLAY #${r.replaySeq}`);
  for (const f of report.failed) process.stderr.write(`mesh: #${f.dlqSeq} not redriven: ${f.error}\n`);
  print(`${report.redriven.length} redriven, ${report.failed.length} failed.`);
  if (report.failed.length > 0) throw new CliError(`${report.failed.length} dead letter(s) could not be redriven`, EXIT.failed);
}

async function redrive(seqs: string[], options: FilterOptions & { all?: boolean }, command: Command): Promise<void> {
  if (options.all && seqs.length > 0) throw usageError('Give dead-letter sequences or --all --consumer <name>, not both');
  if (!options.all && seqs.length === 0) throw usageError('Name what to redrive: sequences from "mesh dlq ls", or --all --consumer <name>');
  if (options.all && !options.consumer) throw usageError('--all redrives one consumer app at a time: add --consumer <name>');
  if (!options.all && (options.consumer || options.type)) throw usageError('--consumer and --type go with --all; a sequence already names its consumer');
  const numbers = seqs.map((s) => {
    try {
      return parsePositiveInt(s);
    } catch {
      throw usageError(`Invalid dead-letter sequence ${JSON.stringify(s)}: use the SEQ numbers "mesh dlq ls" prints`);
    }
  });
  const progress = new Progress('redriving');
  const report = await withSession(settingsOf(command), async (session) => {
    const store = new DeadLetterStore(session.jsm);
    const onProgress = (done: number, total: number) => progress.update(done, total);
    const done = options.all ? await store.redriveAll(filterOf(options), onProgress) : await store.redriveMany(numbers, onProgress);
    await recordCliAudit(session, {
      action: 'dead_letters_redriven',
      target: { type: 'dlq', ...(options.consumer ? { id: options.consumer } : {}) },
      details: { ...(options.all ? { filter: filterOf(options) } : {}), redriven: done.redriven.map((r) => r.dlqSeq), failed: done.failed },
    });
    return done;
  }).finally(() => progress.end());
  reportRedrive(report);
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function purge(options: FilterOptions & { yes?: boolean }, command: Command): Promise<void> {
  const filter = filterOf(options);
  const purged = await withSession(settingsOf(command), async (session) => {
    const store = new DeadLetterStore(session.jsm);
    const count = await store.count(filter);
    if (count === 0) return undefined;
    if (!options.yes) {
      if (!process.stdin.isTTY) throw usageError(`Refusing to purge ${count} dead letters without confirmation: add --yes`);
      if (!(await confirm(`Purge ${count} dead letters${describeFilter(filter)}? They cannot be redriven afterwards.`))) {
        throw new CliError('Nothing purged.', EXIT.failed);
      }
    }
    const n = await store.purge(filter);
    await recordCliAudit(session, { action: 'dead_letters_purged', target: { type: 'dlq', ...(filter.consumer ? { id: filter.consumer } : {}) }, details: { filter, purged: n } });
    return n;
  });
  print(purged === undefined ? `No dead letters${describeFilter(filter)}; nothing purged.` : `purged ${purged} dead letters${describeFilter(filter)}.`);
}

export function dlqCommand(): Command {
  const dlq = new Command('dlq').description('Dead letters in EVENTS_DLQ: list, show, redrive to their consumer, purge');
  dlq
    .command('ls')
    .description('List dead letters, newest first')
    .addOption(consumerOption('only the letters of this consumer app'))
    .addOption(typeOption())
    .addOption(new Option('--limit <n>', 'at most this many').argParser(argParser(parsePositiveInt)).default(50))
    .option('--json', 'one JSON object per letter (headers, body, envelope)')
    .action(ls);
  dlq
    .command('show')
    .description('Show one dead letter: reason, error, headers and the envelope')
    .argument('<seq>', 'its sequence, from "mesh dlq ls"', argParser(parsePositiveInt))
    .option('--json', 'as one JSON object')
    .action(show);
  dlq
    .command('redrive')
    .description('Send dead letters back to the consumer that failed them (and no other), then remove them from the DLQ')
    .argument('[seq...]', 'sequences from "mesh dlq ls"')
    .option('--all', 'every letter of --consumer (optionally of --type)')
    .addOption(consumerOption('with --all: the consumer app whose letters go back'))
    .addOption(typeOption())
    .addHelpText('after', '\nExamples:\n  mesh dlq redrive 42 43\n  mesh dlq redrive --all --consumer search-sync --type vendor.*')
    .action(redrive);
  dlq
    .command('purge')
    .description('Delete dead letters for good (asks first; --yes to skip)')
    .addOption(consumerOption('only the letters of this consumer app'))
    .addOption(typeOption())
    .option('-y, --yes', 'do not ask for confirmation')
    .action(purge);
  return dlq;
}
