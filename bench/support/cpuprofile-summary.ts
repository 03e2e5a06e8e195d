/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file/package,
 * and total (inclusive) time of the functions on the publish path.
 *
 *   npm run build:fast && node dist/bench/support/cpuprofile-summary.js <file.cpuprofile> [top=25] [filter-regex]
 *
 * Percentages are of all sampled time, idle and GC included (both are listed).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/@nats-io/jetstream/lib/jsclient.js` → `@nats-io/jetstream/lib/jsclient.js`; repo files relative to dist. */
export function shortFile(url: string): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const dist = path.indexOf('/dist/');
  if (dist >= 0) return path.slice(dist + 1);
  return path.replace(/^node:/, 'node:');
}

/** The package (or repo area) a file belongs to. */
export function packageOf(url: string): string {
  const f = shortFile(url);
  if (f === '(native)') return '(native/V8)';
  if (f.startsWith('node:')) return 'node: internals';
  if (f.startsWith('@')) return f.split('/').slice(0, 2).join('/');
  if (f.startsWith('dist/')) return f.split('/').slice(0, 3).join('/');
  return f.split('/')[0];
}

export const frameLabel = (cf: CallFrame): string =>
  `${shortFile(cf.url)}:${cf.functionName || '(anonymous)'}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;

export interface Summary {
  totalUs: number;
  self: Map<string, number>;
  selfByPackage: Map<string, number>;
  inclusive: Map<string, number>;
}

export function summarise(profile: CpuProfile): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const self = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    add(self, frameLabel(node.callFrame), us);
    add(selfByPackage, packageOf(node.callFrame.url), us);
    // Inclusive: count each distinct function once per stack (recursion).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const label = frameLabel(byId.get(cur)!.callFrame);
      if (seen.has(label)) continue;
      seen.add(label);
      add(inclusive, label, us);
    }
  }
  return { totalUs, self, selfByPackage, inclusive };
}

function print(title: string, m: Map<string, number>, totalUs: number, top: number, filter?: RegExp): void {
  console.log(`\n${title}`);
  const rows = [...m].filter(([k]) => !filter || filter.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, us] of rows) console.log(`${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/dist\//, 'dist/'));
if (isMain) {
  const [file, topArg, filterArg] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/support/cpuprofile-summary.js <file.cpuprofile> [top=25] [filter-regex]');
    process.exit(2);
  }
  const top = Number(topArg ?? 25);
  const filter = filterArg ? new RegExp(filterArg) : undefined;
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  console.log(`${file}: ${(s.totalUs / 1000).toFixed(0)} ms sampled`);
  print('self time by package / area', s.selfByPackage, s.totalUs, top);
  print('self time by function', s.self, s.totalUs, top, filter);
  print('total (inclusive) time by function', s.inclusive, s.totalUs, top, filter);
}
