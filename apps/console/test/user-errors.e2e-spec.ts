import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_KEYS, waitFor } from '@app/testing';
import { type Mesh, type RunningApp, startMesh, startProducer } from '../../../libs/events/test/support.js';
import { type RunningEventStore, startEventStore, storeTestConfig } from '../../event-store/test/support.js';
import { buildWeb, LAPTOP, launchBrowser, openRoute, PHONE, type RunningConsole, screenshot, startConsole } from './support.js';

// UserErrorDisplay in a real browser: the console's "User errors" page shows the unresolved errors
// written for users, in their words; Dismiss resolves the error in the event store.

const KEY = ADMIN_KEYS.console;
const SHOP = 'https://shop.example.com';

interface Stored {
  resolved: boolean;
  resolvedBy: string | null;
}

describe('console UserErrorDisplay (browser)', () => {
  let mesh: Mesh;
  let store: RunningEventStore;
  let producer: RunningApp;
  let consoleApp: RunningConsole;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const run = Date.now().toString(36);

  beforeAll(async () => {
    const webDir = buildWeb();
    mesh = await startMesh('console_user_errors');
    store = await startEventStore(storeTestConfig(mesh.nats, mesh.db, { adminApiKey: KEY }));
    mesh.defer(() => store.close());
    producer = await startProducer(mesh);
    consoleApp = await startConsole({ natsServers: [mesh.nats.url], databaseUrl: mesh.db.url, adminApiKey: KEY }, [{ name: 'event-store', url: store.url }], webDir);
    mesh.defer(() => consoleApp.close());
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: LAPTOP })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await mesh?.close();
  });

  const stored = async (id: string) => {
    const res = await request(store.url).get(`/events/${id}`).set('X-Api-Key', KEY);
    return res.status === 200 ? (res.body as Stored) : undefined;
  };

  it('shows the unresolved errors written for users in their words, and Dismiss resolves one', async () => {
    const payment = `Your payment ${run} did not go through; you were not charged.`;
    const shown = await producer.events.publishEvent('payment.failed', { orderId: `${run}-1` }, { level: 'error', audience: 'user,admin', actor: 'user-7', userMessage: payment });
    const adminOnly = await producer.events.publishEvent('payment.failed', { orderId: `${run}-2` }, { level: 'error', audience: 'admin' });
    const notAnError = await producer.events.publishEvent('order.created', { orderId: `${run}-3` }, { audience: 'user' });
    // From a page through the SDK's wire form: showToUser became audience user, with the page's words.
    const created = await request(store.url).post('/events/client-keys').set('X-Api-Key', KEY).send({ name: 'shop', origins: [SHOP], types: ['client.*'] });
    expect(created.status).toBe(201);
    const cart = `The cart ${run} could not be shown; please reload.`;
    const client = await request(store.url)
      .post(`/events/client?key=${(created.body as { key: string }).key}`)
      .set('Origin', SHOP)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ events: [{ type: 'client.error', level: 'error', audience: 'user,admin', userMessage: cart, data: { message: 'cart is undefined' } }] }));
    expect(client.status).toBe(200);
    const clientId = (client.body as { results: { id: string }[] }).results[0].id;
    for (const id of [shown.id, adminOnly.id, notAnError.id, clientId]) {
      await waitFor(() => stored(id), { timeoutMs: 30_000, message: `event ${id} not stored` });
    }

    await openRoute(page, consoleApp.url, 'user-errors', KEY);
    const display = page.getByRole('list', { name: 'Errors shown to users' });
    await display.getByText(payment).waitFor();
    await display.getByText(cart).waitFor();
    const words = await display.getByRole('alert').allTextContents();
    expect(words.join('\n')).not.toContain(`${run}-2`);
    expect(words.join('\n')).not.toContain('cart is undefined');
    expect(await display.locator(`[data-event-id="${adminOnly.id}"], [data-event-id="${notAnError.id}"]`).count()).toBe(0);
    await screenshot(page, 'user-errors');

    await display.getByRole('button', { name: `Dismiss: ${payment}` }).click();
    await display.locator(`[data-event-id="${shown.id}"]`).waitFor({ state: 'detached' });
    expect(await stored(shown.id)).toMatchObject({ resolved: true, resolvedBy: 'user-error-display' });
    // The other one stays until it is dismissed too.
    expect(await stored(clientId)).toMatchObject({ resolved: false });
    await display.getByText(cart).waitFor();

    // At phone width the alert still fits: no sideways scrolling.
    await page.setViewportSize(PHONE);
    await display.getByText(cart).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await screenshot(page, 'phone-user-errors');
    await page.setViewportSize(LAPTOP);
  });
});
