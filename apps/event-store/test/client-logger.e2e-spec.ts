import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_KEYS, NatsServerHarness, SIGNING_SECRETS, TestDatabase, waitFor } from '@app/testing';
import { signFeedToken } from '../src/feed/feed-token.js';
import { launchBrowser } from '../../console/test/support.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = ADMIN_KEYS.clientLogger;
const WAIT = { timeoutMs: 60_000, intervalMs: 250 };
const FEED_SECRET = SIGNING_SECRETS.feed;
const USER = 'user-7';

/** The same shop in React (libs/client-logger/test-pages/react-shop.tsx): provider, hook and error boundary. */
const REACT_PAGE = `<!doctype html><html><head><title>react shop</title></head><body><div id="root"></div>
<script type="module" src="/react-shop.js"></script></body></html>`;

/** A page of the shop: loads the SDK bundle as an ES module, wraps fetch, hooks the window's errors. */
const PAGE = `<!doctype html><html><head><title>shop</title></head><body><h1>shop</h1>
<script type="module">
  import { createClientLogger } from '/client-logger.js';
  window.drops = [];
  const logger = createClientLogger({ ...window.MESH_CONFIG, batchIntervalMs: 600000, onDrop: (n, total) => window.drops.push([n, total]) });
  logger.installGlobalHandlers();
  logger.installNavigationHook();
  window.meshFetch = logger.wrapFetch(fetch);
  window.logger = logger;
  document.title = 'ready';
</script></body></html>`;

interface StoredItem {
  id: string;
  type: string;
  source: string;
  level: string;
  data: Record<string, unknown>;
  sessionid?: string;
  pageurl?: string;
  clientkey?: string;
  audience?: string;
  usermessage?: string;
  resourcetype?: string;
  resourceid?: string;
}

describe('browser SDK libs/client-logger in Chromium, into the event-store (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let site: Server;
  let origin: string;
  let browser: Browser;
  let key: string;
  const savedFeedSecret = process.env.EVENTS_FEED_SECRET;

  beforeAll(async () => {
    // Read when the app module is built: the feed shows what the page showed its user.
    process.env.EVENTS_FEED_SECRET = FEED_SECRET;
    // Built into a temp folder each run, so a stale dist/ never passes.
    const bundleDir = mkdtempSync(join(tmpdir(), 'client-logger-'));
    execFileSync(process.execPath, ['scripts/build-client-logger.js', bundleDir], { stdio: 'inherit' });
    const bundle = readFileSync(join(bundleDir, 'client-logger.js'));
    const demoDir = mkdtempSync(join(tmpdir(), 'client-logger-react-'));
    execFileSync(process.execPath, ['scripts/build-client-logger-demo.js', demoDir], { stdio: 'inherit' });
    const reactShop = readFileSync(join(demoDir, 'react-shop.js'));
    site = createServer((req, res) => {
      if (req.url === '/client-logger.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else if (req.url === '/react-shop.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(reactShop);
      else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      else if (req.url === '/react') res.writeHead(200, { 'content-type': 'text/html' }).end(REACT_PAGE);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such product"}');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_client_logger');
    store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: ADMIN }));
    const created = await request(store.url).post('/events/client-keys').set('X-Api-Key', ADMIN).send({ name: 'shop-page', origins: [origin], types: ['client.*'] });
    expect(created.status).toBe(201);
    key = (created.body as { key: string }).key;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    if (savedFeedSecret === undefined) delete process.env.EVENTS_FEED_SECRET;
    else process.env.EVENTS_FEED_SECRET = savedFeedSecret;
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await store?.close();
    await nats?.close();
    await db?.drop();
  });

  async function openShop(path = '/', extra: Record<string, unknown> = {}): Promise<Page> {
    const page = await browser.newPage();
    await page.addInitScript((config) => Object.assign(globalThis, { MESH_CONFIG: config }), { endpoint: store.url, key, ...extra });
    await page.goto(`${origin}${path}`);
    await page.waitForFunction("document.title === 'ready'");
    return page;
  }

  /** The stored client events of one session, once `count` of them are there. */
  async function storedFor(sessionId: string, count: number): Promise<StoredItem[]> {
    const items = await waitFor(
      async () => {
        const res = await request(store.url).get('/events?source=client&limit=100').set('X-Api-Key', ADMIN);
        const mine = ((res.body as { items?: StoredItem[] }).items ?? []).filter((i) => i.sessionid === sessionId);
        return mine.length >= count ? mine : undefined;
      },
      { ...WAIT, message: `fewer than ${count} events of session ${sessionId} were stored` },
    );
    return items!;
  }

  it('delivers a user action, an uncaught error, a failed fetch and a navigation with the session, the page URL and source client', async () => {
    const page = await openShop();
    const sessionId = await page.evaluate(() => (globalThis as unknown as { logger: { sessionId: string } }).logger.sessionId);
    await page.evaluate(async () => {
      const w = globalThis as unknown as { logger: { logUserAction(a: string, d: object): void; flush(): void }; meshFetch: typeof fetch };
      w.logger.logUserAction('add_to_cart', { sku: 'A-1' });
      setTimeout(() => {
        throw new Error('price missing');
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await w.meshFetch('/api/products/404');
      (globalThis as unknown as { history: { pushState(state: object, unused: string, url: string): void } }).history.pushState({}, '', '/products/7?tab=reviews');
      w.logger.flush();
    });
    const items = await storedFor(sessionId, 4);
    const byType = Object.fromEntries(items.map((i) => [i.type, i]));
    for (const item of items) expect(item).toMatchObject({ source: 'client', clientkey: 'shop-page' });
    expect(byType['client.user_action'].pageurl).toBe(`${origin}/`);
    expect(byType['client.navigation']).toMatchObject({ pageurl: `${origin}/products/7?tab=reviews`, data: { from: '/', to: '/products/7?tab=reviews' } });
    expect(byType['client.user_action'].data).toMatchObject({ action: 'add_to_cart', sku: 'A-1' });
    expect(byType['client.error']).toMatchObject({ level: 'error', data: { name: 'Error', message: 'price missing' } });
    expect(byType['client.api_failed']).toMatchObject({ level: 'error', data: { method: 'GET', url: '/api/products/404', status: 404, durationMs: expect.any(Number) as number } });
    await page.close();
  });

  it('keeps what it could not send while offline and sends it after a reload', async () => {
    const page = await openShop();
    const sessionId = await page.evaluate(() => (globalThis as unknown as { logger: { sessionId: string } }).logger.sessionId);
    await page.context().setOffline(true);
    await page.evaluate(() => {
      const logger = (globalThis as unknown as { logger: { logUserAction(a: string, d: object): void; flush(): void } }).logger;
      logger.logUserAction('offline_click', { n: 1 });
      logger.logUserAction('offline_click', { n: 2 });
      logger.flush();
    });
    // The failed batch is kept for later, not dropped.
    await page.waitForFunction("(localStorage.getItem('mesh.clientLogger.pending') ?? '').includes('offline_click')", undefined, { timeout: 30_000 });
    // Its retry timer stopped: only the reloaded page's logger can send them now.
    await page.evaluate(() => (globalThis as unknown as { logger: { close(): void } }).logger.close());
    await page.context().setOffline(false);
    await page.reload();
    await page.waitForFunction("document.title === 'ready'");
    const items = await storedFor(sessionId, 2);
    expect(items.map((i) => i.data.n).sort()).toEqual([1, 2]);
    await page.close();
  });

  it('still delivers a batch that was only queued when the page closed (beacon on page hide); a disabled logger sends nothing', async () => {
    const page = await openShop();
    // ENABLE_CLIENT_LOGGING off: sent at once if it were on (batchEvents false), so before the beacon below.
    await page.evaluate(async () => {
      const { createClientLogger } = (await import('/client-logger.js' as string)) as { createClientLogger(o: object): { logEvent(e: object): void; flush(): void } };
      const off = createClientLogger({ ...(globalThis as unknown as { MESH_CONFIG: object }).MESH_CONFIG, enabled: false, batchEvents: false });
      off.logEvent({ type: 'client.disabled_probe', data: {} });
      off.flush();
    });
    const sessionId = await page.evaluate(() => {
      const logger = (globalThis as unknown as { logger: { sessionId: string; logUserAction(a: string, d: object): void } }).logger;
      for (let i = 0; i < 3; i++) logger.logUserAction('scrolled', { i });
      return logger.sessionId;
    });
    await page.close({ runBeforeUnload: true });
    const items = await storedFor(sessionId, 3);
    expect(items.map((i) => i.data.i).sort()).toEqual([0, 1, 2]);
    const probe = await request(store.url).get('/events?type=client.disabled_probe').set('X-Api-Key', ADMIN);
    expect(probe.status).toBe(200);
    expect((probe.body as { items: unknown[] }).items).toEqual([]);
  });

  it('a React page: an action, an error thrown in a component (caught by the boundary, with its component stack), a failed fetch and a navigation arrive with source client, the session and the URL', async () => {
    const page = await openShop('/react', { userId: USER });
    const sessionId = await page.evaluate(() => (globalThis as unknown as { logger: { sessionId: string } }).logger.sessionId);
    await page.click('#buy');
    await page.click('#price');
    // The boundary's fallback replaced the broken subtree; the rest of the page lives on.
    await page.getByRole('alert').getByText('Price unavailable').waitFor();
    await page.click('#load');
    await page.click('#product');
    await page.waitForURL(`${origin}/products/7`);
    await page.evaluate(() => (globalThis as unknown as { logger: { flush(): void } }).logger.flush());
    const items = await storedFor(sessionId, 4);
    const byType = Object.fromEntries(items.map((i) => [i.type, i]));
    for (const item of items) expect(item).toMatchObject({ source: 'client', clientkey: 'shop-page', sessionid: sessionId });
    expect(byType['client.user_action']).toMatchObject({ pageurl: `${origin}/react`, data: { action: 'add_to_cart', sku: 'A-1' } });
    expect(byType['client.navigation']).toMatchObject({ pageurl: `${origin}/products/7`, data: { from: '/react', to: '/products/7' } });
    expect(byType['client.api_failed']).toMatchObject({ level: 'error', data: { method: 'GET', url: '/api/products/404', status: 404 } });
    const error = byType['client.error'];
    expect(error).toMatchObject({
      level: 'error',
      pageurl: `${origin}/react`,
      data: { name: 'Error', message: 'price missing for A-1', boundary: 'price' },
      // showToUser: written for the user too, filed under them, in the words the page gave.
      audience: 'user,admin',
      usermessage: 'We could not show the price; please try again.',
      resourcetype: 'user',
      resourceid: USER,
    });
    expect(error.data.componentStack).toEqual(expect.stringContaining('PriceTag'));

    // The user's own feed (a token the product signs for them) shows the error in those words.
    const feed = await waitFor(
      async () => {
        const res = await request(store.url).get(`/events/feed?userId=${USER}&lang=en`).set('Authorization', `Bearer ${signFeedToken(FEED_SECRET, USER, 300)}`);
        expect(res.status).toBe(200);
        return (res.body as { items: { type: string; message: string; userMessage: string | null }[] }).items.find((i) => i.type === 'client.error');
      },
      { ...WAIT, message: 'the client error did not reach the user feed' },
    );
    expect(feed).toMatchObject({ message: 'We could not show the price; please try again.', userMessage: 'We could not show the price; please try again.' });
    await page.close();
  });

  it('switches each source off: ENABLE_EVENT_LOGGING all, ENABLE_CLIENT_LOGGING the page events, ENABLE_SYSTEM_LOGGING logSystemEvent', async () => {
    const page = await openShop();
    const sent: string[] = [];
    page.on('request', (req) => {
      if (req.url().startsWith(`${store.url}/events/client`)) sent.push(req.postData() ?? '');
    });
    const sessionId = await page.evaluate(async () => {
      type Logger = { logEvent(e: object): void; logSystemEvent(e: string, d?: object): void; isEnabled(s: string): boolean; sessionId: string };
      const { createClientLogger } = (await import('/client-logger.js' as string)) as { createClientLogger(o: object): Logger };
      const config = (globalThis as unknown as { MESH_CONFIG: object }).MESH_CONFIG;
      // As a page passes its environment: strings, as the plan's .env has them.
      const cases = { allOff: { ENABLE_EVENT_LOGGING: 'false' }, clientOff: { ENABLE_CLIENT_LOGGING: 'off' }, systemOff: { ENABLE_SYSTEM_LOGGING: '0' } };
      let session = '';
      for (const [name, toggles] of Object.entries(cases)) {
        const logger = createClientLogger({ ...config, toggles, batchEvents: false });
        logger.logEvent({ type: 'client.toggle_probe', data: { probe: `${name}:client` } });
        logger.logSystemEvent('toggle_probe', { probe: `${name}:system` });
        session = logger.sessionId;
      }
      return session;
    });
    const items = await storedFor(sessionId, 2);
    expect(items.map((i) => i.data.probe).sort()).toEqual(['clientOff:system', 'systemOff:client']);
    expect(items.find((i) => i.data.probe === 'clientOff:system')).toMatchObject({ type: 'client.system', data: { event: 'toggle_probe' } });
    // Nothing else left the page: a switched-off source never calls the ingest.
    const probes = sent.flatMap((body) => (JSON.parse(body) as { events: { data: { probe?: string } }[] }).events.map((e) => e.data.probe));
    expect(probes.sort()).toEqual(['clientOff:system', 'systemOff:client']);
    await page.close();
  });

  /** A page of the shop at `pageOrigin` with its logger on `pageKey`, sending each event at once. */
  async function sendFrom(pageOrigin: string, pageKey: string, action: string, count = 1) {
    const page = await browser.newPage();
    await page.addInitScript((config) => Object.assign(globalThis, { MESH_CONFIG: config }), { endpoint: store.url, key: pageKey });
    await page.goto(`${pageOrigin}/`);
    await page.waitForFunction("document.title === 'ready'");
    // A refusal without the CORS grant is, to the page, a failed request (Chromium reports no response).
    const toIngest = (req: { url(): string; method(): string }) => req.url().startsWith(`${store.url}/events/client`) && req.method() === 'POST';
    // The waiter that loses rejects when the page closes: it must not surface as an unhandled rejection.
    const settledOnly = <T,>(p: Promise<T>) => p.catch(() => new Promise<never>(() => undefined));
    const answered = Promise.race([
      settledOnly(page.waitForResponse((res) => toIngest(res.request())).then((res) => res.status())),
      settledOnly(page.waitForEvent('requestfailed', { predicate: toIngest }).then(() => 'blocked' as const)),
    ]);
    const sessionId = await page.evaluate(
      ({ action, count }) => {
        const logger = (globalThis as unknown as { logger: { sessionId: string; logUserAction(a: string, d: object): void; flush(): void } }).logger;
        for (let i = 0; i < count; i++) logger.logUserAction(action, { i });
        logger.flush();
        return logger.sessionId;
      },
      { action, count },
    );
    return { page, sessionId, status: await answered };
  }

  const storedOf = async (action: string) => {
    const res = await request(store.url).get('/events?type=client.user_action&limit=1000').set('X-Api-Key', ADMIN);
    return ((res.body as { items: StoredItem[] }).items ?? []).filter((i) => i.data.action === action);
  };

  it('refuses a page of another origin and a revoked key: nothing of theirs is stored', async () => {
    // localhost is another origin than 127.0.0.1, the one the key allows.
    const elsewhere = await sendFrom(origin.replace('127.0.0.1', 'localhost'), key, 'from_elsewhere');
    expect(elsewhere.status).toBe('blocked');
    const revokedKey = await request(store.url).post('/events/client-keys').set('X-Api-Key', ADMIN).send({ name: 'shop-old', origins: [origin], types: ['client.*'] });
    expect(revokedKey.status).toBe(201);
    const { id, key: oldKey } = revokedKey.body as { id: string; key: string };
    await request(store.url).delete(`/events/client-keys/${id}`).set('X-Api-Key', ADMIN).expect(200);
    const revoked = await sendFrom(origin, oldKey, 'with_revoked_key');
    expect(revoked.status).toBe('blocked');
    // A live key from the same page still gets through: the refusals were about origin and key alone.
    const live = await sendFrom(origin, key, 'with_live_key');
    expect(live.status).toBe(200);
    await waitFor(async () => (await storedOf('with_live_key')).length === 1 || undefined, { ...WAIT, message: 'the live key’s event was not stored' });
    expect(await storedOf('from_elsewhere')).toEqual([]);
    expect(await storedOf('with_revoked_key')).toEqual([]);
    for (const p of [elsewhere.page, revoked.page, live.page]) await p.close();
  });

  it('keeps retrying while offline, but drops the kept batches after 3 unanswered sends in a row while online (a revoked key), counting them', async () => {
    const revokedKey = await request(store.url).post('/events/client-keys').set('X-Api-Key', ADMIN).send({ name: 'shop-gone', origins: [origin], types: ['client.*'] });
    expect(revokedKey.status).toBe(201);
    const { id, key: goneKey } = revokedKey.body as { id: string; key: string };
    await request(store.url).delete(`/events/client-keys/${id}`).set('X-Api-Key', ADMIN).expect(200);
    const page = await browser.newPage();
    await page.addInitScript((config) => Object.assign(globalThis, { MESH_CONFIG: config }), { endpoint: store.url, key: goneKey, maxOnlineFailures: 3 });
    await page.goto(`${origin}/`);
    await page.waitForFunction("document.title === 'ready'");
    let failed = 0;
    page.on('requestfailed', (req) => {
      if (req.url().startsWith(`${store.url}/events/client`) && req.method() === 'POST') failed++;
    });
    type Logger = { droppedEvents: number; logUserAction(a: string, d: object): void; flush(): void };
    const state = () =>
      page.evaluate(() => ({
        dropped: (globalThis as unknown as { logger: Logger }).logger.droppedEvents,
        drops: (globalThis as unknown as { drops: [number, number][] }).drops,
        kept: (JSON.parse((globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('mesh.clientLogger.pending') ?? '[]') as unknown[]).length,
      }));

    await page.context().setOffline(true);
    await page.evaluate(() => {
      const logger = (globalThis as unknown as { logger: Logger }).logger;
      for (let i = 0; i < 2; i++) logger.logUserAction('while_gone', { i });
      logger.flush();
    });
    // Offline: 4 failed sends (the first and 3 retries, 1 + 2 + 4 s apart), more than the 3 allowed online, and nothing dropped.
    await waitFor(() => failed >= 4 || undefined, { ...WAIT, message: 'the kept batch was not retried while offline' });
    expect(await state()).toEqual({ dropped: 0, drops: [], kept: 2 });

    // Online, the revoked key's refusal (no CORS grant) reads like a network failure: sent at once
    // on 'online', then twice more with backoff, then given up.
    const offlineFailures = failed;
    await page.context().setOffline(false);
    const gone = await waitFor(
      async () => {
        const s = await state();
        return s.dropped > 0 ? s : undefined;
      },
      { ...WAIT, message: 'the kept batch was never dropped' },
    );
    expect(gone).toEqual({ dropped: 2, drops: [[2, 2]], kept: 0 });
    expect(failed - offlineFailures).toBe(3);

    // A new event after the drop gets its own retries again (the count started over).
    await page.evaluate(() => {
      const logger = (globalThis as unknown as { logger: Logger }).logger;
      logger.logUserAction('after_drop', {});
      logger.flush();
    });
    await waitFor(async () => ((await state()).kept === 1 ? true : undefined), { ...WAIT, message: 'the new batch was not kept for a retry' });
    expect((await state()).dropped).toBe(2);
    expect(await storedOf('while_gone')).toEqual([]);
    await page.close();
  });

  // Last: it spends this client address's allowance for the minute.
  it('rate-limits a flood from one client (429), storing no more than the allowance', async () => {
    const page = await openShop();
    const statuses: number[] = [];
    page.on('response', (res) => {
      if (res.url().startsWith(`${store.url}/events/client`)) statuses.push(res.status());
    });
    // 20 batches of 10: past CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE (120 by default) for this address.
    await page.evaluate(() => {
      const logger = (globalThis as unknown as { logger: { logUserAction(a: string, d: object): void; flush(): void } }).logger;
      for (let i = 0; i < 200; i++) logger.logUserAction('flood', { i });
      logger.flush();
    });
    // 20 answers at least: the refused batches are kept in the page and retried (429 again within the minute).
    await waitFor(() => statuses.length >= 20 || undefined, { ...WAIT, message: 'the flood’s 20 batches were not all answered' });
    // A 429 is an answer (the ingest is there and took the key): it never counts towards giving up.
    expect(await page.evaluate(() => (globalThis as unknown as { logger: { droppedEvents: number } }).logger.droppedEvents)).toBe(0);
    // The retries stop here: what is stored must then be exactly what was answered 200.
    await page.evaluate(() => (globalThis as unknown as { logger: { close(): void } }).logger.close());
    const first20 = statuses.slice(0, 20);
    expect(first20).toContain(429);
    expect(first20.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(first20.filter((s) => s === 200).length * 10).toBeLessThanOrEqual(120);
    await waitFor(async () => (await storedOf('flood')).length === statuses.filter((s) => s === 200).length * 10 || undefined, {
      ...WAIT,
      message: 'the stored flood events are not the accepted ones',
    });
    await page.close();
  });
});
