// What the HTTP edge's checks cost on an ingest-sized body, beside JSON.parse of the same body (the
// ratio is what matters; the machine is shared). Run: node scripts/build.js && node dist/bench/http-edge/edge.bench.js
import { badText, jsonDeeperThan } from '@app/events/internal';
import { printResultRows } from '../support/result-line.js';

const events = Array.from({ length: 1000 }, (_, i) => ({
  type: 'vendor.created',
  source: 'bench',
  data: { id: `v-${i}`, name: `Taco Stand ${'x'.repeat(800)}`, tags: ['a', 'b', 'c'], n: i },
}));
const text = JSON.stringify({ events });
const bytes = Buffer.from(text);
const parsed: unknown = JSON.parse(text);

function time(fn: () => unknown, runs = 100): number {
  for (let i = 0; i < 10; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  return Number(process.hrtime.bigint() - start) / runs / 1e6;
}

const parse = time(() => JSON.parse(text));
const depth = time(() => jsonDeeperThan(bytes, 32));
const strings = time(() => badText(parsed));
console.log(`body ${bytes.length} bytes, 1000 events`);
console.log(`JSON.parse            ${parse.toFixed(3)} ms`);
console.log(`depth check (bytes)   ${depth.toFixed(3)} ms  (${(depth / parse).toFixed(2)} x JSON.parse)`);
console.log(`NUL/surrogate walk    ${strings.toFixed(3)} ms  (${(strings / parse).toFixed(2)} x JSON.parse)`);
// For `npm run bench`: raw = JSON.parse of the body, ours = the check (ratio raw ÷ ours: above 1, the check costs less than the parse).
printResultRows('http-edge', [
  { scenario: 'http-edge depth check of a 1000-event body', unit: 'ms', raw: parse, ours: depth, ratio: parse / depth },
  { scenario: 'http-edge NUL/surrogate walk of it', unit: 'ms', raw: parse, ours: strings, ratio: parse / strings },
]);
