// Main-thread cost of the browser SDK's logEvent in Chromium (/usr/bin/chromium): 5 rounds of
// 20,000 calls each, every 10th sending its batch (to a local server that answers at once).
//   node scripts/measure-client-logger.js
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildClientLogger } from './build-client-logger.js';

const outDir = mkdtempSync(join(tmpdir(), 'client-logger-measure-'));
await buildClientLogger(outDir);
const bundle = readFileSync(join(outDir, 'client-logger.js'));
const react = readFileSync(join(outDir, 'client-logger-react.js'));
const srv = createServer((req, res) => {
  if (req.url === '/client-logger.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
  if (req.url.startsWith('/events/client')) { req.resume(); return res.writeHead(200, { 'access-control-allow-origin': '*' }).end('{}'); }
  res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>x</title>');
});
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${srv.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.goto(base + '/');
const out = await page.evaluate(async (base) => {
  const { createClientLogger } = await import('/client-logger.js');
  const logger = createClientLogger({ endpoint: base, key: 'pk_x', batchIntervalMs: 600000 });
  const N = 20000, times = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) logger.logEvent({ type: 'client.bench', data: { i, path: '/cart', sku: 'A-1' } });
    times.push(((performance.now() - t0) * 1000) / N);
    await new Promise((r) => setTimeout(r, 200));
  }
  return times;
}, base);
console.log(`core bundle ${bundle.length} bytes, ${gzipSync(bundle).length} gzipped`);
console.log(`React binding ${react.length} bytes, ${gzipSync(react).length} gzipped (react itself is the page's own)`);
console.log('µs per logEvent (incl. a batch send every 10th call), 5 rounds of 20000:', out.map((t) => t.toFixed(2)).join(' '));
await browser.close(); srv.close();
