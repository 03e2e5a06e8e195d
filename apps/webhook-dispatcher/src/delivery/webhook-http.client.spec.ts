import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookConfigFromEnv } from '../config/webhook-env.js';
import { UrlGuard } from '../ssrf/url-guard.js';
import { WebhookHttpClient } from './webhook-http.client.js';

/** A real local server; each test sets how it answers. */
let answer: (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;
const config = { ...webhookConfigFromEnv({}), allowPrivate: true, allowHttp: true };
const client = new WebhookHttpClient(new UrlGuard(config), config);

beforeAll(async () => {
  server = createServer((req, res) => req.resume().on('end', () => answer(req, res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await client.onApplicationShutdown();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, extra: { timeoutMs?: number; signal?: AbortSignal } = {}) =>
  client.post({ url: `${base}${path}`, body: '{"a":1}', headers: { 'content-type': 'application/json' }, timeoutMs: extra.timeoutMs ?? 5_000, signal: extra.signal });

describe(WebhookHttpClient.name, () => {
  it('keeps the status, the headers (repeated ones joined) and a short body, sending the body and query as given', async () => {
    let seen = '';
    answer = (req, res) => {
      seen = `${req.method} ${req.url} ${req.headers['content-length']}`;
      res.writeHead(202, [['x-one', 'a'], ['x-many', '1'], ['x-many', '2'], ['content-type', 'text/plain']]).end('accepted ✓');
    };
    const x = await post('/hook?k=v');
    expect(seen).toBe('POST /hook?k=v 7');
    expect(x).toMatchObject({ status: 202, body: 'accepted ✓', error: null });
    expect(x.headers).toMatchObject({ 'x-one': 'a', 'x-many': '1, 2', 'content-type': 'text/plain' });
  });

  it('cuts a long body, chunked or not, at the excerpt size', async () => {
    answer = (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
      res.end();
    };
    expect((await post('/chunked')).body).toBe('y'.repeat(config.responseExcerptBytes));
    answer = (_req, res) => res.writeHead(200, { 'content-length': '5000' }).end('z'.repeat(5000));
    expect((await post('/long')).body).toBe('z'.repeat(config.responseExcerptBytes));
  });

  it('reports a timeout when the body stalls after the headers, not only when no answer comes', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    };
    const x = await post('/stall', { timeoutMs: 300 });
    expect(x).toMatchObject({ status: null, body: null, error: 'timeout: no response within 300 ms' });
    expect(x.interrupted).toBeUndefined();
    answer = () => undefined;
    expect((await post('/silent', { timeoutMs: 300 })).error).toBe('timeout: no response within 300 ms');
  });

  it('marks a request the dispatcher cut off itself as interrupted, before or during the exchange', async () => {
    answer = () => undefined;
    const stopping = new AbortController();
    const during = post('/cut', { signal: stopping.signal });
    setTimeout(() => stopping.abort(new Error('the dispatcher is shutting down')), 50);
    expect(await during).toMatchObject({ status: null, interrupted: true, error: 'interrupted: the dispatcher stopped before the endpoint answered' });
    expect(await post('/cut', { signal: stopping.signal })).toMatchObject({ status: null, interrupted: true });
  });

  it('names the cause when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const x = await client.post({ url: `http://127.0.0.1:${port}/x`, body: '', headers: {}, timeoutMs: 2_000 });
    expect(x).toMatchObject({ status: null, body: null });
    expect(x.error).toMatch(/^ECONNREFUSED: /);
    expect(x.interrupted).toBeUndefined();
  });
});
