/**
 * Runs every benchmark, one after the other, and prints one table (scenario, raw, ours, ratio)
 * with the machine's load before and after; the same goes to bench/results/<time>-<commit>.json
 * (git-ignored) for comparison between commits.
 *
 *   npm run bench                       # all of them
 *   BENCH_ONLY=consume,publish npm run bench
 *   BENCH_N=2000 BENCH_REPEATS=1 BENCH_DEADLINE_S=300 npm run bench   # a quick check that all run
 *
 * Not in the set: event-store-queries, which fills a table of a million events first and measures
 * latencies with nothing raw beside them (run it on its own: `npm run bench:event-store-queries`).
 * memory's "raw" is the app's idle RSS and "ours" its RSS after the burst's settle time (ratio
 * idle ÷ after); http-edge, guard-cost and server-logging compare a cost with its raw counterpart (ratio raw ÷ ours).
 *
 * Each bench is a child process (its progress streams to stderr as it runs) with a deadline of
 * its own (BENCH_DEADLINE_S, default 1200 s each): past it, its process group gets SIGTERM (the
 * benches with a deadline of their own clean up on it), SIGKILL 15 s later, and the run exits
 * non-zero. Any failing bench makes the exit code non-zero too. The environment is
 * passed through, so NATS_URL, DATABASE_URL and the BENCH_* knobs of each bench apply.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { envInt, envList } from './support/env.js';
import { fmtInt, fmtRatio, table } from './support/format.js';
import { RESULT_PREFIX, ResultRow } from './support/result-line.js';
import { runBenchChild } from './support/child-run.js';

const BENCHES = ['publish', 'consume', 'event-store', 'search-sync', 'guard-cost', 'webhooks', 'memory', 'http-edge', 'server-logging'] as const;
type Bench = (typeof BENCHES)[number];
/** Scripts not named `<bench>/<bench>.bench.js`. */
const SCRIPTS: Partial<Record<Bench, string>> = { 'guard-cost': 'search-sync/guard-cost.bench.js', 'http-edge': 'http-edge/edge.bench.js', 'server-logging': 'server-logging/request-cost.bench.js' };
const ONLY = envList<Bench>('BENCH_ONLY', BENCHES);
const DEADLINE_MS = envInt('BENCH_DEADLINE_S', 1_200, 1) * 1000;

interface Outcome {
  bench: Bench;
  status: 'ok' | 'failed' | 'deadline';
  exitCode: number | null;
  seconds: number;
  rows: ResultRow[];
}

const median = (s: { median: number } | undefined): number => s?.median ?? Number.NaN;

/**
 * The comparable rows of one bench's stdout: its `BENCH_RESULT` line, or (search-sync and
 * webhooks, which print their own JSON summary) that summary mapped to rows.
 */
export function rowsFrom(bench: Bench, stdout: string): ResultRow[] {
  const lines = stdout.split('\n');
  const tagged = lines.find((l) => l.startsWith(RESULT_PREFIX));
  if (tagged) return (JSON.parse(tagged.slice(RESULT_PREFIX.length)) as { rows: ResultRow[] }).rows;
  const summary = lines.reverse().find((l) => l.startsWith(`{"bench":"${bench}"`));
  if (!summary) return [];
  const j = JSON.parse(summary) as Record<string, unknown>;
  if (bench === 'search-sync') {
    const sides = j.sides as Record<string, { rate: { median: number } }>;
    return (['local', 'algolia'] as const)
      .filter((t) => sides[`raw-${t}`] && sides[`app-${t}`])
      .map((t) => {
        const raw = median(sides[`raw-${t}`].rate);
        const ours = median(sides[`app-${t}`].rate);
        return { scenario: `search-sync ${t}`, unit: 'events/s', raw, ours, ratio: ours / raw, goal: 0.7 };
      });
  }
  if (bench === 'memory') {
    const results = j.results as { app: string; idle: number; after: { mb: number }[] }[];
    return results.map((r) => {
      const after = r.after[r.after.length - 1]?.mb ?? Number.NaN;
      return { scenario: `memory ${r.app}: RSS idle vs after the burst`, unit: 'MB', raw: r.idle, ours: after, ratio: r.idle / after, goal: Number((1 / 1.5).toFixed(2)) };
    });
  }
  if (bench === 'webhooks') {
    const rows = j.rows as { scenario: string; raw?: { median: number }; app?: { median: number }; ratio: number }[];
    return rows.map((r) => ({ scenario: `webhooks ${r.scenario}`, unit: 'deliveries/s', raw: median(r.raw), ours: median(r.app), ratio: r.ratio }));
  }
  return [];
}

async function runOne(bench: Bench): Promise<Outcome> {
  const script = join('dist', 'bench', SCRIPTS[bench] ?? join(bench, `${bench}.bench.js`));
  process.stderr.write(`\n=== ${bench}: node ${script} (deadline ${DEADLINE_MS / 1000} s)\n`);
  const run = await runBenchChild(script, bench, DEADLINE_MS);
  let rows: ResultRow[] = [];
  try {
    rows = rowsFrom(bench, run.stdout);
  } catch (err) {
    process.stderr.write(`=== ${bench}: unreadable result line: ${(err as Error).message}\n`);
  }
  return { bench, status: run.status, exitCode: run.exitCode, seconds: run.seconds, rows };
}

const commit = (): string => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

async function main(): Promise<number> {
  const load = (): number[] => loadavg().map((x) => Number(x.toFixed(2)));
  const loadBefore = load();
  const outcomes: Outcome[] = [];
  for (const bench of ONLY) outcomes.push(await runOne(bench));
  const loadAfter = load();

  const fmt = (unit: string, x: number) => (unit === 'ms' ? (x < 1 ? x.toFixed(3) : x.toFixed(1)) : fmtInt(x));
  const rows = outcomes.flatMap((o) =>
    o.rows.length
      ? o.rows.map((r) => [r.scenario, r.unit, fmt(r.unit, r.raw), fmt(r.unit, r.ours), fmtRatio(r.ratio), r.goal ? `≥ ${r.goal}` : '', r.goal ? (r.ratio >= r.goal ? 'yes' : 'NO') : ''])
      : [[`${o.bench}: ${o.status}${o.exitCode !== null ? ` (exit ${o.exitCode})` : ''}`, '', '', '', '', '', '']],
  );
  console.log('');
  console.log(`Benchmarks at ${commit()}, node ${process.version}, ${cpus().length} CPUs; ratio = ours ÷ raw (latency: raw ÷ ours), medians of each bench's alternating rounds`);
  console.log(`load average (1/5/15 min) before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}`);
  console.log(table(['scenario', 'unit', '>raw', '>ours', '>ratio', '>goal', 'met'], rows));
  for (const o of outcomes) if (o.status !== 'ok') console.log(`${o.bench}: ${o.status} after ${o.seconds} s (exit ${o.exitCode})`);

  const when = new Date().toISOString();
  mkdirSync(join('bench', 'results'), { recursive: true });
  const file = join('bench', 'results', `${when.replace(/[:.]/g, '-')}-${commit()}.json`);
  writeFileSync(file, JSON.stringify({ when, commit: commit(), node: process.version, cpus: cpus().length, loadBefore, loadAfter, outcomes }, null, 2));
  console.log(`results: ${file}`);
  return outcomes.every((o) => o.status === 'ok') ? 0 : 1;
}

const isMain = process.argv[1]?.endsWith('run-all.js');
if (isMain) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
