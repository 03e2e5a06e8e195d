/** One comparable line of a bench, as `npm run bench` tabulates it. */
export interface ResultRow {
  scenario: string;
  unit: string;
  raw: number;
  ours: number;
  /** ours ÷ raw for rates; raw ÷ ours for latencies (so above 1 is always better). */
  ratio: number;
  goal?: number;
}

/** Prefix of the one stdout line a bench writes for `npm run bench` (bench/run-all.ts). */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export function printResultRows(bench: string, rows: ResultRow[]): void {
  console.log(RESULT_PREFIX + JSON.stringify({ bench, rows }));
}
