import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort, waitFor } from '@app/testing';
import { type Mesh, type RunningApp, startMesh, startProducer } from '../../../libs/events/test/support.js';
import { SseParser, type SseMessage } from '../web/src/sse.js';
import { type RunningConsole, startConsole } from './support.js';

// The console's own HTTP API on a real nats-server and PostgreSQL: the key check, the proxy (against
// a local upstream that echoes what reached it), the live tail's stream, health and dead-letter
// input errors. The page itself is tested in console.e2e-spec.ts.

const KEY = 'console-api-test-key';

interface Echoed {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('console API', () => {
  let mesh: Mesh;
  let producer: RunningApp;
  let consoleApp: RunningConsole;
  let upstream: Server;
  let upstreamUrl: string;
  const received: Echoed[] = [];

  beforeAll(async () => {
    mesh = await startMesh('console_api');
    producer = await startProducer(mesh);
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.writeHead(418, { 'content-type': 'application/json', 'set-cookie': 'upstream=1' });
        res.end(JSON.stringify({ message: 'short and stout' }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    upstreamUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const nobody = await freePort();
    const emptyWebDir = mkdtempSync(join(tmpdir(), 'console-unbuilt-'));
    consoleApp = await startConsole({ natsServers: [mesh.nats.url], databaseUrl: mesh.db.url, adminApiKey: KEY }, [
      { name: 'teapot', url: upstreamUrl },
      { name: 'gone', url: `http://127.0.0.1:${nobody}` },
    ], emptyWebDir);
    mesh.defer(() => consoleApp.close());
  });

  afterAll(async () => {
    await mesh?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('tells the page a key is needed, and checks one: missing 401, wrong 403, right 204', async () => {
    expect((await request(consoleApp.url).get('/api/session')).body).toEqual({ adminKeyConfigured: true, apps: ['teapot', 'gone'] });
    expect((await request(consoleApp.url).post('/api/session')).status).toBe(401);
    const wrong = await request(consoleApp.url).post('/api/session').set('X-Api-Key', 'guess');
    expect(wrong.status).toBe(403);
    expect(wrong.body.message).toBe('Wrong X-Api-Key');
    expect((await request(consoleApp.url).post('/api/session').set('X-Api-Key', KEY)).status).toBe(204);
  });

  it('forwards method, path, query, body and X-Api-Key to the app, nothing else, and passes its answer back', async () => {
    const res = await request(consoleApp.url)
      .post('/api/apps/teapot/webhooks/subscriptions?limit=5&active=true')
      .set('X-Api-Key', KEY)
      .set('Cookie', 'session=secret')
      .set('Prefer', 'respond-async')
      .send({ name: 'x', eventTypes: ['order.*'] });
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ message: 'short and stout' });
    expect(res.headers['set-cookie']).toBeUndefined();
    const got = received.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', url: '/webhooks/subscriptions?limit=5&active=true' });
    expect(JSON.parse(got.body)).toEqual({ name: 'x', eventTypes: ['order.*'] });
    expect(got.headers['x-api-key']).toBe(KEY);
    // Prefer goes on: with `respond-async` the event-store runs a replay as a job (the Replays page).
    expect(got.headers.prefer).toBe('respond-async');
    expect(got.headers.cookie).toBeUndefined();
  });

  it('names the known apps for an unknown one, and says when an app does not answer', async () => {
    const unknown = await request(consoleApp.url).get('/api/apps/nope/events');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('No app "nope" in MESH_APP_URLS; known: teapot, gone');
    const gone = await request(consoleApp.url).get('/api/apps/gone/events');
    expect(gone.status).toBe(502);
    expect(gone.body.message).toMatch(/^gone is unreachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it("reports each app's /health/events: an answer that is not 200 is down, no answer is unreachable", async () => {
    const { apps } = (await request(consoleApp.url).get('/api/mesh/health')).body as { apps: { name: string; status: string; httpStatus: number | null; error: string }[] };
    expect(apps.map((a) => [a.name, a.status, a.httpStatus])).toEqual([
      ['teapot', 'down', 418],
      ['gone', 'unreachable', null],
    ]);
    expect(apps[1].error).toBe('ECONNREFUSED');
  });

  it('streams the events matching the pattern as server-sent events, after a ready event', async () => {
    const abort = new AbortController();
    const messages: SseMessage[] = [];
    const res = await fetch(`${consoleApp.url}/api/live?pattern=${encodeURIComponent('sse_test.*')}`, { headers: { 'X-Api-Key': KEY }, signal: abort.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const parser = new SseParser();
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) messages.push(...parser.push(decoder.decode(chunk, { stream: true })));
    })().catch((err: Error) => {
      if (err.name !== 'AbortError') throw err;
    });
    await waitFor(() => messages.some((m) => m.event === 'ready'), { message: 'no ready event' });
    expect(JSON.parse(messages[0].data)).toEqual({ pattern: 'sse_test.*', connected: true });
    await producer.events.publishEvent('other_test.created', { n: 0 });
    const { id } = await producer.events.publishEvent('sse_test.created', { n: 1 });
    await waitFor(() => messages.some((m) => m.event === 'event'), { message: 'the event never came' });
    const events = messages.filter((m) => m.event === 'event');
    expect(events).toHaveLength(1);
    expect(events[0].id).toBe(id);
    expect(JSON.parse(events[0].data)).toMatchObject({ id, type: 'sse_test.created', data: { n: 1 } });
    abort.abort();
    await reading;
  });

  it('holds back what a tail cannot show (past 200 events a second) and says how many', async () => {
    const abort = new AbortController();
    const messages: SseMessage[] = [];
    const res = await fetch(`${consoleApp.url}/api/live?pattern=burst_test.*`, { headers: { 'X-Api-Key': KEY }, signal: abort.signal });
    const parser = new SseParser();
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) messages.push(...parser.push(decoder.decode(chunk, { stream: true })));
    })().catch((err: Error) => {
      if (err.name !== 'AbortError') throw err;
    });
    await waitFor(() => messages.some((m) => m.event === 'ready'), { message: 'no ready event' });
    const total = 600;
    await Promise.all(Array.from({ length: total }, (_, i) => producer.events.publishEvent('burst_test.tick', { i })));
    const count = () => {
      const sent = messages.filter((m) => m.event === 'event').length;
      const skipped = messages.filter((m) => m.event === 'skipped').reduce((n, m) => n + (JSON.parse(m.data) as { count: number }).count, 0);
      return { sent, skipped };
    };
    // Every event is either sent or counted as skipped: nothing vanishes without a word.
    await waitFor(() => count().sent + count().skipped === total, { timeoutMs: 10_000, message: `sent + skipped never reached ${total}: ${JSON.stringify(count())}` });
    expect(count().skipped).toBeGreaterThan(0);
    abort.abort();
    await reading;
  });

  it('refuses a bad live pattern and a missing key on the stream', async () => {
    const bad = await request(consoleApp.url).get('/api/live?pattern=Not%20A%20Pattern').set('X-Api-Key', KEY);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(['pattern must be an event type or a NATS-style pattern, e.g. vendor.created, vendor.*, order.> or > for everything']);
    expect((await request(consoleApp.url).get('/api/live')).status).toBe(401);
  });

  it('answers dead-letter requests that cannot work with a 4xx naming the field', async () => {
    const key = (r: request.Test) => r.set('X-Api-Key', KEY);
    const noSeqs = await key(request(consoleApp.url).post('/api/dead-letters/redrive').send({}));
    expect(noSeqs.status).toBe(400);
    expect(noSeqs.body.message).toContain('seqs must be a list of DLQ sequences, e.g. [12, 13]; or send "all": true with a consumer');
    const allOfEveryone = await key(request(consoleApp.url).post('/api/dead-letters/redrive').send({ all: true }));
    expect(allOfEveryone.status).toBe(400);
    expect(allOfEveryone.body.message).toBe('consumer is required with "all": true (redrive one consumer app at a time)');
    const badConsumer = await key(request(consoleApp.url).get('/api/dead-letters?consumer=Search%20Sync'));
    expect(badConsumer.status).toBe(400);
    expect(badConsumer.body.message).toEqual([expect.stringMatching(/^consumer must be a consumer app's durable name/)]);
    const missing = await key(request(consoleApp.url).get('/api/dead-letters/999999'));
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('EVENTS_DLQ has no message #999999');
    expect((await request(consoleApp.url).post('/api/dead-letters/purge').send({})).status).toBe(401);
  });

  it('says how to build the page when it is not built', async () => {
    const res = await request(consoleApp.url).get('/');
    expect(res.status).toBe(503);
    expect(res.text).toMatch(/^The console's page is not built: no index.html in .*\nRun npm run build/);
  });
});
