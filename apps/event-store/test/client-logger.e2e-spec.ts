import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_KEYS, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { launchBrowser } from '../../console/test/support.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = ADMIN_KEYS.clientLogger;
const WAIT = { timeoutMs: 60_000, intervalMs: 250 };

/** A page of the shop: loads the SDK bundle as an ES module, wraps fetch, hooks the window's errors. */
const PAGE = `<!doctype html><html><head><title>shop</title></head><body><h1>shop</h1>
<script type="module">
  import { createClientLogger } from '/client-logger.js';
  const logger = createClientLogger({ ...window.MESH_CONFIG, batchIntervalMs: 600000 });
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
}

describe('browser SDK libs/client-logger in Chromium, into the event-store (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let site: Server;
  let origin: string;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    // Built into a temp folder each run, so a stale dist/ never passes.
    const bundleDir = mkdtempSync(join(tmpdir(), 'client-logger-'));
    execFileSync(process.execPath, ['scripts/build-client-logger.js', bundleDir], { stdio: 'inherit' });
    const bundle = readFileSync(join(bundleDir, 'client-logger.js'));
    site = createServer((req, res) => {
      if (req.url === '/client-logger.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
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
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await store?.close();
    await nats?.close();
    await db?.drop();
  });

  async function openShop(): Promise<Page> {
    const page = await browser.newPage();
    await page.addInitScript((config) => Object.assign(globalThis, { MESH_CONFIG: config }), { endpoint: store.url, key });
    await page.goto(`${origin}/`);
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
});
