import request from 'supertest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { waitFor } from '@app/testing';
import { handled, type Mesh, startRecorder } from '../../../libs/events/test/support.js';
import type { RunningEventStore } from '../../event-store/test/support.js';
import { localSearch, startSearchSync, syncEventsConfig, vendor } from '../../search-sync/test/support.js';
import { dispatcherTestConfig, type RunningDispatcher, startDispatcher } from '../../webhook-dispatcher/test/support.js';
import { buildWeb, type ConsoleMesh, LAPTOP, openRoute, PHONE, type RunningConsole, screenshot, startConsole, startConsoleMesh } from './support.js';

// The operator's questions at a glance (issue 23), in Debian's chromium over a real mesh: the
// Overview, grouped errors and dead letters, progress of bulk redrives, dark mode, keyboard walks,
// and the layout defects, checked by element boxes at laptop (1366 px) and phone (390 px) widths.

const KEY = 'console-glance-admin-key';
const ROUTES = ['overview', 'events', 'live', 'stats', 'errors', 'webhooks', 'dead-letters', 'replays', 'health'];

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const boxOf = async (l: Locator): Promise<Box> => {
  const b = await l.boundingBox();
  if (!b) throw new Error(`${l.toString()} has no box (not visible)`);
  return b;
};
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('console at a glance (browser)', () => {
  let m: ConsoleMesh;
  let mesh: Mesh;
  let store: RunningEventStore;
  let dispatcher: RunningDispatcher;
  let consoleApp: RunningConsole;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const run = Date.now().toString(36);
  /** Records a tab's uncaught errors and console errors (failed loads included): any one fails the test. */
  const watch = (p: Page) => m.watch(p);

  const publish = (type: string, data: unknown, options?: Parameters<ConsoleMesh['publish']>[2]) => m.publish(type, data, options);
  const stored = (id: string) => m.stored(id, 15_000);

  /** A fresh load of a page, signing in when asked. */
  const open = (route: string, tab: Page = page) => m.open(route, tab);
  const settled = (tab: Page = page) =>
    waitFor(async () => (await tab.locator('.state-loading, .live-status[data-state="connecting"]').count()) === 0, { timeoutMs: 15_000, message: 'the page kept loading' });
  const sideways = (tab: Page = page) => tab.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  beforeAll(async () => {
    m = await startConsoleMesh({
      name: 'console_glance',
      key: KEY,
      colorScheme: 'light',
      consoleErrors: true,
      apps: async ({ mesh, store, producer, admin }) => {
        const recorder = await startRecorder(mesh, 'recorder', 'in-process', admin);
        const hooks = dispatcherTestConfig(mesh.nats, mesh.db);
        dispatcher = await startDispatcher({ ...hooks, events: { ...hooks.events, ...admin } });
        mesh.defer(() => dispatcher.close());
        return [
          { name: 'event-store', url: store.url },
          { name: 'webhook-dispatcher', url: dispatcher.url },
          { name: 'recorder', url: recorder.url },
          // A producer only: no consumer of its own, like vendor-service.
          { name: 'producer', url: producer.url },
        ];
      },
    });
    ({ mesh, store, console: consoleApp, browser, context, page } = m);
    // Building the page and starting four apps takes minutes on a loaded machine.
  }, 300_000);

  afterEach(() => {
    expect(m.pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await m?.close();
  });

  it('lands on the Overview: every app, NATS and PostgreSQL up, and each figure linking to its page', async () => {
    await page.goto(consoleApp.url);
    await page.getByLabel('Key', { exact: true }).fill(KEY);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.locator('h1.page-title', { hasText: 'Overview' }).waitFor();
    const figure = (name: string) => page.locator(`[data-figure="${name}"]`);
    await figure('mesh').getByText('4 of 4 apps up').waitFor();
    await figure('mesh').getByText('NATS up').waitFor();
    await figure('mesh').getByText('PostgreSQL up').waitFor();
    const links = await page.locator('[data-figure]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-figure'), e.getAttribute('href')]));
    expect(links).toEqual([
      ['mesh', '#/health'],
      ['rate', '#/stats'],
      ['error-rate', '#/errors'],
      ['lag', '#/health'],
      ['dlq', '#/dead-letters'],
      ['webhooks', '#/webhooks'],
      ['sms', '#/events?type=sms.*'],
    ]);
    await figure('webhooks').getByText('0 due now').waitFor();
    await figure('lag').getByText(/pending for /).waitFor();
    await figure('mesh').click();
    await page.locator('h1.page-title', { hasText: 'Health' }).waitFor();
  });

  it('refreshes the Overview live: SMS of the last hour, the error rate, the deepest DLQ with its consumer, events per minute', async () => {
    await open('overview');
    const figure = (name: string) => page.locator(`[data-figure="${name}"]`);
    await figure('sms').getByText('0 sent').waitFor();
    const before = Number((await figure('rate').locator('.figure-detail').textContent())?.replace(/\D/g, '') ?? '0');
    const ids = [
      await publish('sms.sent', { smsId: `s1-${run}` }),
      await publish('sms.sent', { smsId: `s2-${run}` }),
      await publish('sms.failed', { smsId: `s3-${run}`, reason: 'invalid_phone' }, { level: 'error' }),
      await publish(`dlq_${run}.job`, { rejectForGood: true }),
    ];
    for (const id of ids) await stored(id);
    // No reload: the page reads again by itself.
    await figure('sms').getByText('2 sent').waitFor({ timeout: 20_000 });
    await figure('sms').getByText('1 failed').waitFor();
    await figure('dlq').getByText('dead letters of recorder').waitFor({ timeout: 20_000 });
    await figure('error-rate').getByText(/^[1-9][\d,]* errors of /).waitFor();
    await waitFor(async () => Number((await figure('rate').locator('.figure-detail').textContent())?.replace(/\D/g, '') ?? '0') >= before + 4, {
      timeoutMs: 20_000,
      message: 'the events of the last hour did not grow',
    });
    expect(await figure('rate').locator('svg.sparkline polyline').getAttribute('points')).toMatch(/^[\d.]+,[\d.]+( [\d.]+,[\d.]+){59}$/);
    await screenshot(page, 'overview');
  });

  it('shows no DLQ depth on an app without a consumer, and the consumer’s own on one with a consumer', async () => {
    await publish(`dlq_${run}.other`, { rejectForGood: true });
    await open('health');
    const card = (name: string) => page.locator(`[data-app="${name}"]`);
    await waitFor(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return ((await card('recorder').locator('dt:text-is("DLQ depth") + dd').textContent()) ?? '').trim() !== '0';
      },
      { timeoutMs: 20_000, message: 'the recorder never showed its dead letters' },
    );
    const producerDlq = card('producer').locator('dt:text-is("DLQ depth") + dd');
    expect((await producerDlq.textContent())?.trim()).toBe('no consumer');
    expect(await producerDlq.getAttribute('class')).not.toContain('warn');
    expect(await card('recorder').locator('dt:text-is("DLQ depth") + dd').getAttribute('class')).toContain('warn');
  });

  it('lines the Errors header up with the row columns', async () => {
    const id = await publish(`align_${run}.failed`, { message: 'align check' }, { level: 'error', subject: `r-${run}`, resourceType: 'job', resourceId: `r-${run}` });
    await stored(id);
    for (const viewport of [LAPTOP]) {
      await page.setViewportSize(viewport);
      await open('errors');
      await page.getByRole('button', { name: 'Unresolved', exact: true }).click();
      const row = page.locator(`.event-list [data-event-id="${id}"]`);
      await row.waitFor();
      const headLefts = await page.locator('.event-head > span').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
      const rowLefts = await row.locator(':scope > span').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
      expect(headLefts).toHaveLength(7);
      expect(headLefts).toEqual(rowLefts);
      // One line: every head cell's middle on the same height.
      const headMiddles = await page.locator('.event-head > span').evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))).size);
      expect(headMiddles).toBe(1);
    }
  });

  it('groups errors by type and message with counts and first/last seen, and resolves a whole group (audited)', async () => {
    const type = `group_${run}.failed`;
    const ids = [
      await publish(type, { message: 'gateway timeout' }, { level: 'error' }),
      await publish(type, { message: 'gateway timeout' }, { level: 'error' }),
      await publish(type, { message: 'gateway timeout' }, { level: 'error' }),
      await publish(type, { message: 'card expired' }, { level: 'error' }),
    ];
    for (const id of ids) await stored(id);
    await open('errors');
    const group = (message: string) => page.locator(`ul[aria-label="error groups"] li[data-group-type="${type}"]`).filter({ hasText: message });
    await group('gateway timeout').getByText('3×').waitFor();
    await group('card expired').getByText('1×').waitFor();
    await group('gateway timeout').getByText(/first seen .* · last seen /).waitFor();
    await screenshot(page, 'errors-grouped');

    // Keyboard: the group rows take the focus in turn.
    await page.locator('ul[aria-label="error groups"] li[data-row]').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('ul[aria-label="error groups"] li[data-row]').nth(1).evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);

    await group('gateway timeout').getByRole('button', { name: 'Resolve all in this group…' }).click();
    await group('gateway timeout').getByRole('button', { name: 'Resolve these 3' }).click();
    await page.getByText(`Resolved 3 errors of ${type}: gateway timeout.`).waitFor();
    await waitFor(async () => (await group('gateway timeout').count()) === 0, { message: 'the resolved group stayed' });
    expect(await group('card expired').count()).toBe(1);
    for (const [i, id] of ids.entries()) {
      expect((await request(store.url).get(`/events/${id}`).set('X-Api-Key', KEY)).body).toMatchObject({ resolved: i < 3, resolvedBy: i < 3 ? 'console' : null });
    }
    await waitFor(
      async () => {
        const audits = (await request(store.url).get('/events?type=audit.error_group_resolved').set('X-Api-Key', KEY)).body as { items: { data: { eventType: string; count: number } }[] };
        return audits.items.some((a) => a.data.eventType === type && a.data.count === 3);
      },
      { timeoutMs: 15_000, message: 'no audit.error_group_resolved stored' },
    );
  });

  it('draws Stats from one call: empty hours are gaps, every time chart has the same x ticks, and each top type has its label', async () => {
    const hour = 3_600_000;
    const base = Math.floor(Date.now() / hour) * hour;
    const at = (hoursAgo: number) => new Date(base - hoursAgo * hour + 60_000).toISOString();
    const ids = [
      await publish(`stats_${run}.a`, { n: 1 }, { time: at(5) }),
      await publish(`stats_${run}.a`, { n: 2 }, { time: at(5), level: 'error' }),
      await publish(`stats_${run}.b`, { n: 3 }, { time: at(2) }),
    ];
    for (const id of ids) await stored(id);
    // Calls that were answered (a development build's StrictMode aborts a first one).
    const statsCalls: string[] = [];
    const count = (r: { url(): string }) => r.url().includes('/events/stats') && statsCalls.push(r.url());
    page.on('requestfinished', count);
    await open('stats');
    await page.locator('[data-chart="error-rate"] .recharts-surface').waitFor();
    page.off('requestfinished', count);
    expect(statsCalls).toHaveLength(1);
    expect(statsCalls[0]).toContain('groupBy=hour');

    // Only hours with events have a rate: no dot (and no line) at 0 % for the empty ones.
    const rates = (await request(store.url).get(`/events/stats?groupBy=hour&from=${new Date(base - 23 * hour).toISOString()}&to=${new Date(base + hour).toISOString()}`).set('X-Api-Key', KEY)).body as { groups: unknown[] };
    await waitFor(async () => (await page.locator('[data-chart="error-rate"] .recharts-line-dot').count()) === rates.groups.length, { message: 'one dot per hour with events' });
    expect(rates.groups.length).toBeLessThan(24);

    const ticks = (chart: string) =>
      page.locator(`[data-chart="${chart}"] .recharts-xAxis .recharts-cartesian-axis-tick`).evaluateAll((els) =>
        els.map((e) => {
          const svg = e.closest('svg')!.getBoundingClientRect();
          return { text: e.textContent, x: Math.round(e.getBoundingClientRect().left + e.getBoundingClientRect().width / 2 - svg.left) };
        }),
      );
    const byLevel = await ticks('by-level');
    expect(byLevel.length).toBeGreaterThanOrEqual(6);
    expect(await ticks('by-type')).toEqual(byLevel);
    expect(await ticks('error-rate')).toEqual(byLevel);

    const top = page.locator('[data-chart="top-types"]');
    const labels = await top.locator('.recharts-yAxis .recharts-cartesian-axis-tick').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
    const bars = await top.locator('.recharts-bar').first().locator('.recharts-bar-rectangle').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
    const types = await page.locator('.table-wrap table tbody tr').count();
    expect(labels).toHaveLength(Math.min(10, types));
    expect(bars).toHaveLength(labels.length);
    // Each bar sits against its own label.
    for (const [i, y] of labels.entries()) expect(Math.abs(y - bars[i])).toBeLessThan(12);
    await screenshot(page, 'stats-one-call');
  });

  it('opens the event drawer when only the hash changes in an open tab, and walks the list with the keyboard', async () => {
    const first = await publish(`hash_${run}.one`, { n: 1 });
    const second = await publish(`hash_${run}.two`, { n: 2 });
    await stored(first);
    await stored(second);
    await open(`events?type=hash_${run}.*`);
    await page.locator(`.event-list [data-event-id="${second}"]`).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.evaluate(`window.location.hash = '#/events?type=hash_${run}.*&event=${first}'`);
    await page.getByRole('dialog').getByText(first).first().waitFor();
    await page.getByRole('button', { name: 'Close' }).first().click();
    await waitFor(async () => (await page.getByRole('dialog').count()) === 0, { message: 'the drawer did not close' });

    // ↓ from the newest row reaches the older one; Enter opens it.
    // Tried until it lands: once in a full run the focus had left the row before the key arrived
    // (the list re-rendering after the drawer closed is the likely cause); the walk itself must still work.
    await waitFor(
      async () => {
        await page.locator(`.event-list [data-event-id="${second}"] .event-open`).focus();
        await page.keyboard.press('ArrowDown');
        return page.locator(`.event-list [data-event-id="${first}"] .event-open`).evaluate((e) => e === e.ownerDocument.activeElement);
      },
      { timeoutMs: 5_000, message: '↓ from the newest row did not reach the older one' },
    );
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').getByText(first).first().waitFor();
  });

  it('groups dead letters by consumer and reason, previews a group redrive, shows its progress and can cancel it between batches', async () => {
    const type = `bulk_${run}.job`;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await publish(type, { rejectUntilRedriven: true, n: i }));
    await open('dead-letters');
    await page.locator('input[name="type"]').fill(type);
    await page.getByRole('button', { name: 'Apply' }).click();
    const group = page.locator('ul[aria-label="dead letter groups"] li[data-group-consumer="recorder"][data-group-reason="non_retryable"]');
    await waitFor(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await settled();
        return (await group.getByText('30×').count()) === 1;
      },
      { timeoutMs: 30_000, message: 'the 30 dead letters never grouped' },
    );
    await screenshot(page, 'dead-letters-grouped');

    // The first batch is held until Cancel is pressed, so the cancel lands between two batches whatever the load.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let batches = 0;
    await page.route('**/api/dead-letters/redrive', async (route) => {
      batches++;
      if (batches === 1) await held;
      await route.continue();
    });
    await group.getByRole('button', { name: 'Redrive this group…' }).click();
    await group.getByRole('status').getByText('Sends 30 letters back to recorder.').waitFor();
    await group.getByRole('button', { name: 'Redrive 30' }).click();
    const progress = page.getByRole('group', { name: 'Redrive recorder · non_retryable' });
    await progress.getByText('0 of 30').waitFor();
    await screenshot(page, 'dead-letters-redrive-progress');
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await progress.getByRole('button', { name: 'Cancelling…' }).waitFor();
    release();
    await page.getByText('Redrive recorder · non_retryable: 25 of 30 redriven; cancelled, the rest stay in the DLQ.').waitFor();
    await page.unroute('**/api/dead-letters/redrive');
    expect(batches).toBe(1);
    await waitFor(async () => (await handled(mesh)).filter((h) => h.type === type && h.consumer === 'recorder-replay').length === 25, { timeoutMs: 20_000, message: '25 letters did not reach the recorder' });
    await waitFor(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await settled();
        return (await group.getByText('5×').count()) === 1;
      },
      { message: 'the group did not shrink to the 5 left' },
    );

    // The rest, to the end.
    await group.getByRole('button', { name: 'Redrive this group…' }).click();
    await group.getByRole('button', { name: 'Redrive 5' }).click();
    await page.getByText('Redrive recorder · non_retryable: 5 of 5 redriven.').waitFor();
    await waitFor(async () => (await handled(mesh)).filter((h) => h.type === type && h.consumer === 'recorder-replay').length === 30, { timeoutMs: 20_000, message: 'the last 5 did not reach the recorder' });
  });

  it('keeps long values (a 2,000-character URL, 100 patterns of 255 characters) inside their card on Webhooks', async () => {
    // The dispatcher now caps a pattern at 255 characters: the longest values it still takes, unbroken.
    const patterns = Array.from({ length: 100 }, (_, i) => `long${i}_${run}.`.padEnd(255, 'x'));
    const url = `http://127.0.0.1:9/${'a'.repeat(2_000)}`;
    const created = await request(dispatcher.url).post('/webhooks/subscriptions').set('X-Api-Key', KEY).send({ name: `long ${run}`, url, eventTypes: patterns });
    expect(created.status).toBe(201);
    for (const [viewport, name] of [
      [LAPTOP, 'webhooks-long-value'],
      [PHONE, 'phone-webhooks-long-value'],
    ] as const) {
      await page.setViewportSize(viewport);
      await open('webhooks');
      const card = page.locator(`[data-subscription="long ${run}"]`);
      await card.waitFor();
      await screenshot(page, name);
      const box = await boxOf(card);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      expect(box.height).toBeLessThan(400);
      expect(await sideways()).toBe(0);
      expect(await page.evaluate<number>('document.documentElement.scrollHeight')).toBeLessThan(6_000);
    }
    await page.setViewportSize(LAPTOP);
  });

  it('at phone width keeps the brand, Sign out and the nav apart and on screen', async () => {
    await page.setViewportSize(PHONE);
    await open('overview');
    const brand = await boxOf(page.locator('.topbar .brand'));
    const signOut = await boxOf(page.getByRole('button', { name: 'Sign out' }));
    const nav = await boxOf(page.getByRole('navigation', { name: 'Pages' }));
    expect(overlaps(signOut, nav)).toBe(false);
    expect(overlaps(brand, nav)).toBe(false);
    expect(overlaps(brand, signOut)).toBe(false);
    for (const b of [brand, signOut, nav]) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(PHONE.width);
    }
    // The figures stack in one column, inside the screen.
    const figures = await page.locator('[data-figure]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
    expect(Math.max(...figures)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'phone-overview');
    await page.setViewportSize(LAPTOP);
  });

  it('follows the system’s dark mode', async () => {
    const dark = await browser.newContext({ viewport: LAPTOP, colorScheme: 'dark' });
    const tab = await dark.newPage();
    tab.setDefaultTimeout(15_000);
    watch(tab);
    try {
      await open('overview', tab);
      await tab.locator('[data-figure="mesh"]').getByText('apps up').waitFor();
      // Relative luminance (0 black, 1 white) of the page, a card and its text, computed by the browser.
      const colours = await tab.locator('[data-figure="mesh"]').evaluate((card) => {
        const luminance = (c: string) => {
          const [r, g, b] = (c.match(/\d+/g) ?? []).map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        };
        const style = (e: typeof card) => e.ownerDocument.defaultView!.getComputedStyle(e);
        return { page: luminance(style(card.ownerDocument.documentElement).backgroundColor), card: luminance(style(card).backgroundColor), text: luminance(style(card).color) };
      });
      expect(colours.page).toBeLessThan(0.15);
      expect(colours.card).toBeLessThan(0.2);
      expect(colours.text).toBeGreaterThan(0.7);
      await screenshot(tab, 'overview-dark');
      await open('errors', tab);
      await settled(tab);
      await screenshot(tab, 'errors-dark');
    } finally {
      await dark.close();
    }
  });

  it('renders every page at 1366 px and 390 px without sideways scrolling or console errors', async () => {
    for (const [viewport, prefix] of [
      [LAPTOP, 'laptop'],
      [PHONE, 'phone'],
    ] as const) {
      await page.setViewportSize(viewport);
      for (const route of ROUTES) {
        await open(route);
        await settled();
        await screenshot(page, `glance-${prefix}-${route}`);
        expect({ route, viewport: viewport.width, overflow: await sideways() }).toEqual({ route, viewport: viewport.width, overflow: 0 });
      }
    }
    await page.setViewportSize(LAPTOP);
  });

  // Last: search-sync consumes every event from here on, so it starts after the other tests.
  it('shows a search reindex running to its end with its counts (search-sync has no cancel, so no Cancel button)', async () => {
    const vendors = [vendor({ name: `Reindex A ${run}` }), vendor({ name: `Reindex B ${run}` })];
    for (const v of vendors) await stored(await publish('vendor.created', v, { subject: v.id, resourceType: 'vendor', resourceId: v.id }));
    const sync = await startSearchSync({ events: syncEventsConfig(mesh.nats, mesh.db, { adminApiKey: KEY }), search: localSearch({ eventStoreUrl: store.url }) });
    mesh.defer(() => sync.close());
    const withSearch = await startConsole({ natsServers: [mesh.nats.url], databaseUrl: mesh.db.url, adminApiKey: KEY }, [
      { name: 'event-store', url: store.url },
      { name: 'search-sync', url: sync.url },
    ], buildWeb());
    mesh.defer(() => withSearch.close());
    const tab = await context.newPage();
    tab.setDefaultTimeout(15_000);
    watch(tab);
    try {
      await openRoute(tab, withSearch.url, 'replays', KEY);
      await tab.getByLabel('Index', { exact: true }).fill('vendors');
      await tab.getByRole('button', { name: 'Rebuild from history' }).click();
      const progress = tab.getByRole('group', { name: 'Reindex of vendors' });
      await progress.locator('progress').waitFor();
      await progress.getByText('done', { exact: true }).waitFor({ timeout: 60_000 });
      const job = (await tab.locator('.progress-counts').textContent()) ?? '';
      // Every vendor.created in the history was read; the bar is full.
      const [read, total] = (job.match(/^([\d,]+) of ([\d,]+)/) ?? []).slice(1).map((n) => Number(n.replace(/,/g, '')));
      expect(read).toBeGreaterThanOrEqual(vendors.length);
      expect(total).toBe(read);
      expect(await progress.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
      await screenshot(tab, 'reindex-done');
    } finally {
      await tab.close();
    }
  });
});
