/**
 * Self time per event by function, counting only the samples inside the windows where a marker
 * function runs (a bench's consume phase, without its publishing and set-up), optionally against a
 * second profile: where one side's CPU per event goes beyond the other's.
 *
 *   node dist/bench/support/cpuprofile-windows.js <app.cpuprofile> <marker> <events> [<raw.cpuprofile> <marker> <events>] [top=40]
 * @example
 * // the event-store app against raw nats.js + pg, each side profiled alone (BENCH_SIDES=app / raw):
 * node dist/bench/support/cpuprofile-windows.js app.cpuprofile consumeForever 100000 raw.cpuprofile toEventRow 100000
 *
 * A window is a run of samples with the marker on the stack, split where none has it for over a
 * second (so each bench round is its own window). Idle samples are left out.
 */
import { readFileSync } from 'node:fs';
import { shortFile } from './cpuprofile-summary.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

const WINDOW_GAP_US = 1_000_000;

/** µs per event of self time by `file:function`, within the marker's windows. */
export function windowedSelfTime(profile: CpuProfile, marker: string, events: number): { perFunction: Map<string, number>; busy: number; windowsMs: number[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  const marked = (id: number): boolean => {
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) if (byId.get(x)!.callFrame.functionName === marker) return true;
    return false;
  };
  const windows: [number, number][] = [];
  for (let i = 0; i < profile.samples.length; i++) {
    if (!marked(profile.samples[i])) continue;
    const last = windows[windows.length - 1];
    if (last && times[i] - last[1] <= WINDOW_GAP_US) last[1] = times[i];
    else windows.push([times[i], times[i]]);
  }
  const perFunction = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    if (!windows.some(([a, b]) => times[i] >= a && times[i] <= b)) continue;
    const frame = byId.get(profile.samples[i])!.callFrame;
    if (frame.functionName === '(idle)') continue;
    // A sample's time is the gap to the next one.
    const us = (profile.timeDeltas[i + 1] ?? 0) / events;
    const key = `${shortFile(frame.url)}:${frame.functionName || '(anonymous)'}`;
    perFunction.set(key, (perFunction.get(key) ?? 0) + us);
    busy += us;
  }
  return { perFunction, busy, windowsMs: windows.map(([a, b]) => (b - a) / 1000) };
}

function main(argv: string[]): void {
  if (argv.length < 3) throw new Error('usage: cpuprofile-windows <file> <marker> <events> [<file> <marker> <events>] [top]');
  const load = (file: string, marker: string, events: string) =>
    windowedSelfTime(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, marker, Number(events));
  const a = load(argv[0], argv[1], argv[2]);
  const b = argv.length >= 6 ? load(argv[3], argv[4], argv[5]) : undefined;
  const top = Number(argv[b ? 6 : 3] ?? 40);
  const line = (name: string, x: number, y?: number) =>
    `${x.toFixed(2).padStart(7)}${y === undefined ? '' : `${y.toFixed(2).padStart(7)}${(x - y).toFixed(2).padStart(7)}`}  ${name}`;
  console.log(`windows (ms): ${a.windowsMs.map((w) => w.toFixed(0)).join(', ')}${b ? ` | ${b.windowsMs.map((w) => w.toFixed(0)).join(', ')}` : ''}`);
  console.log(line('busy µs per event (first, second, difference)', a.busy, b?.busy));
  const names = new Set([...a.perFunction.keys(), ...(b?.perFunction.keys() ?? [])]);
  const diff = (n: string) => (a.perFunction.get(n) ?? 0) - (b?.perFunction.get(n) ?? 0);
  for (const n of [...names].sort((x, y) => diff(y) - diff(x)).slice(0, top)) {
    console.log(line(n, a.perFunction.get(n) ?? 0, b ? (b.perFunction.get(n) ?? 0) : undefined));
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/dist\//, 'dist/'));
if (isMain) main(process.argv.slice(2));
