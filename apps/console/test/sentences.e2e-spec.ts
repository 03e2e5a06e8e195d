import request from 'supertest';
import type { Page } from 'playwright-core';
import { ADMIN_KEYS, PHONES, waitFor } from '@app/testing';
import type { RunningApp } from '../../../libs/events/test/support.js';
import type { RunningEventStore } from '../../event-store/test/support.js';
import { type ConsoleMesh, type RunningConsole, screenshot, startConsoleMesh } from './support.js';

// Event sentences in a real browser (Debian's chromium through playwright-core): the event-store
// renders them when it stores each event, and the console shows them in the chosen language.

const KEY = ADMIN_KEYS.console;

describe('console event sentences (browser)', () => {
  let m: ConsoleMesh;
  let store: RunningEventStore;
  let producer: RunningApp;
  let consoleApp: RunningConsole;
  let page: Page;
  const run = Date.now().toString(36);

  beforeAll(async () => {
    m = await startConsoleMesh({ name: 'console_sentences', key: KEY });
    ({ store, producer, console: consoleApp, page } = m);
  });

  afterEach(() => {
    expect(m.pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await m?.close();
  });

  it('shows each event as a sentence, Persian right-to-left, with its JSON one click away', async () => {
    const orderId = `${run}-42`;
    const { id } = await producer.events.publishEvent('order.created', { orderId, phone: PHONES.feedUser }, { audience: 'user,admin', actor: 'user-7' });
    const sms = await producer.events.publishEvent('sms.sent', { to: PHONES.feedUser }, { audience: 'admin' });
    for (const e of [id, sms.id]) {
      await waitFor(async () => (await request(store.url).get(`/events/${e}`).set('X-Api-Key', KEY)).status === 200, { timeoutMs: 30_000, message: `event ${e} not stored` });
    }

    await page.goto(`${consoleApp.url}/#/events`);
    await page.getByLabel('Key', { exact: true }).fill(KEY);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();

    const sentence = page.locator(`.event-list [data-event-id="${id}"] .cell-sentence`);
    await sentence.waitFor();
    expect(await sentence.textContent()).toBe(`Your order #${orderId} was placed`);
    expect(await sentence.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).direction)).toBe('ltr');

    await page.locator('select[name="lang"]').selectOption('fa');
    await waitFor(async () => (await sentence.textContent()) === `سفارش #${orderId} شما ثبت شد`, { timeoutMs: 15_000, message: 'the Persian sentence did not replace the English one' });
    expect(await sentence.getAttribute('dir')).toBe('rtl');
    expect(await sentence.evaluate((el) => [el.ownerDocument.defaultView!.getComputedStyle(el).direction, el.ownerDocument.defaultView!.getComputedStyle(el).textAlign])).toEqual(['rtl', 'right']);
    const smsSentence = page.locator(`.event-list [data-event-id="${sms.id}"] .cell-sentence`);
    expect(await smsSentence.textContent()).toBe('پیامک به \u2066+98912*****77\u2069 ارسال شد');
    expect(await page.content()).not.toContain(PHONES.feedUser);
    await screenshot(page, 'events-sentences-fa');

    // The JSON is one click away: the drawer shows the sentence, then the data.
    await page.getByRole('button', { name: `Open order.created ${id}` }).click();
    const drawer = page.locator('.drawer-sentence .sentence');
    await drawer.waitFor();
    expect(await drawer.evaluate((el) => [el.textContent, el.ownerDocument.defaultView!.getComputedStyle(el).direction])).toEqual([`سفارش #${orderId} شما ثبت شد`, 'rtl']);
    await page.getByText(`"orderId": "${orderId}"`).first().waitFor();
    await screenshot(page, 'event-drawer-sentence-fa');

    // The choice is kept for the next visit.
    await page.reload();
    await page.locator(`.event-list [data-event-id="${id}"] .cell-sentence[dir="rtl"]`).waitFor();
  });
});
