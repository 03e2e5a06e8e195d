/**
 * Proof that the event-store bench runs to the end time after time: it once hung after its first
 * line on a busy machine (a start/stop race in the JetStream transport, issue 15). Runs
 * dist/bench/event-store/event-store.bench.js BENCH_RUNS times in a row, each small and under a
 * deadline, and fails unless every run exits 0 with its result line (which the bench prints only
 * after checking that every event was stored exactly once).
 *
 *   npm run bench:event-store:repeat
 *
 * Environment (each run's BENCH_* knobs default small here; set them to override):
 *   BENCH_RUNS            runs in a row (default 10)
 *   BENCH_RUN_DEADLINE_S  deadline of one run (default 120): the bench's own BENCH_DEADLINE_S,
 *                         and SIGTERM/SIGKILL to its process group 15 s after it as a backstop
 *   BENCH_N (2000), BENCH_REPEATS (1), BENCH_LAT_SECONDS (2): passed to each run
 */
import { join } from 'node:path';
import { envInt } from '../support/env.js';
import { runBenchChild } from '../support/child-run.js';
import { RESULT_PREFIX } from '../support/result-line.js';

const RUNS = envInt('BENCH_RUNS', 10, 1);
const RUN_DEADLINE_S = envInt('BENCH_RUN_DEADLINE_S', 120, 1);
const script = join('dist', 'bench', 'event-store', 'event-store.bench.js');

async function main(): Promise<number> {
  const env = {
    ...process.env,
    BENCH_N: process.env.BENCH_N || '2000',
    BENCH_REPEATS: process.env.BENCH_REPEATS || '1',
    BENCH_LAT_SECONDS: process.env.BENCH_LAT_SECONDS || '2',
    BENCH_DEADLINE_S: String(RUN_DEADLINE_S),
  };
  const lines: string[] = [];
  const started = Date.now();
  for (let run = 1; run <= RUNS; run++) {
    process.stderr.write(`\n=== event-store run ${run}/${RUNS}: node ${script} (BENCH_N=${env.BENCH_N}, deadline ${RUN_DEADLINE_S} s)\n`);
    const r = await runBenchChild(script, `event-store run ${run}`, (RUN_DEADLINE_S + 15) * 1000, env);
    const finished = r.stdout.split('\n').some((l) => l.startsWith(RESULT_PREFIX));
    const ok = r.status === 'ok' && finished;
    lines.push(`run ${run}/${RUNS}: ${ok ? 'ran to the end' : `did NOT finish (${r.status}, exit ${r.exitCode}${finished ? '' : ', no result line'})`} in ${r.seconds} s`);
    if (!ok) break;
  }
  const passed = lines.filter((l) => l.includes('ran to the end')).length;
  console.log(lines.join('\n'));
  console.log(`event-store bench: ${passed} of ${RUNS} runs in a row ran to the end, ${Math.round((Date.now() - started) / 1000)} s in all`);
  return passed === RUNS ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`repeat failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
