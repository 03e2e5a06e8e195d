import request from 'supertest';
import type { Page } from 'playwright-core';
import { SchemaRegistry } from '@app/events';
import { ADMIN_KEYS, waitFor } from '@app/testing';
import type { RunningApp } from '../../../libs/events/test/support.js';
import type { RunningEventStore } from '../../event-store/test/support.js';
import { type ConsoleMesh, screenshot, startConsoleMesh } from './support.js';

// The Audit page, the Catalogue page and the event drawer's causation tree in a real browser
// (Debian's chromium) over a real mesh: a private nats-server, PostgreSQL, the event store.

const KEY = ADMIN_KEYS.auditTrail;

describe('console (browser): audit trail, catalogue, causation tree', () => {
  let m: ConsoleMesh;
  let store: RunningEventStore;
  let producer: RunningApp;
  let page: Page;
  const run = Date.now().toString(36);

  const publish = (type: string, options: Parameters<ConsoleMesh['publish']>[2] = {}) => m.publish(type, { run }, options);
  const stored = (id: string) => m.stored(id, 60_000);
  const open = (route: string) => m.open(route);

  beforeAll(async () => {
    m = await startConsoleMesh({ name: 'console_audit', key: KEY, timeoutMs: 20_000 });
    ({ store, producer, page } = m);
  });

  afterEach(() => {
    expect(m.pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await m?.close();
  });

  it('shows what an event caused as a tree with timings in the event drawer, and opens a caused event', async () => {
    const t0 = Date.parse('2026-11-02T10:00:00.000Z');
    const root = await publish(`order_${run}.placed`, { time: new Date(t0).toISOString() });
    const child = await publish(`payment_${run}.captured`, { causationId: root, correlationId: root, time: new Date(t0 + 120).toISOString() });
    const grandchild = await publish(`receipt_${run}.sent`, { causationId: child, correlationId: root, time: new Date(t0 + 400).toISOString() });
    await Promise.all([root, child, grandchild].map(stored));

    await open(`events?event=${root}`);
    const tree = page.getByRole('list', { name: 'causation tree' });
    await tree.waitFor();
    await tree.locator(`[data-event-id="${grandchild}"]`).waitFor();
    expect(await tree.locator(`[data-event-id="${child}"] > .trace-timing`).textContent()).toBe('+120 ms (at 120 ms)');
    expect(await tree.locator(`[data-event-id="${grandchild}"] > .trace-timing`).textContent()).toBe('+280 ms (at 400 ms)');
    await page.getByText('2 events caused, 2 levels deep, over 400 ms').waitFor();
    await screenshot(page, 'drawer-causation-tree');
    await tree.locator(`[data-event-id="${child}"] > button`).click();
    await tree.locator(`[data-event-id="${child}"] .trace-timing`).filter({ hasText: 'this event' }).waitFor();
  });

  it('lists admin actions on the Audit page with the actor, action, target and a before/after table', async () => {
    const failed = await producer.events.publishEvent(`payment_${run}.failed`, { run }, { level: 'error' }).then((r) => r.id);
    await stored(failed);
    await request(store.url).patch(`/events/${failed}/resolve`).set('X-Api-Key', KEY).send({ by: 'dave' }).expect(200);

    await waitFor(
      async () => {
        await open('audit');
        return (await page.locator(`[data-audit-action="event_resolved"]`).count()) > 0;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, message: 'the resolve never showed on the Audit page' },
    );
    const entry = page.locator('[data-audit-action="event_resolved"]').first();
    expect(await entry.locator('.audit-actor').textContent()).toBe('dave');
    expect(await entry.locator('.audit-target').textContent()).toBe(`event ${failed}`);
    const row = entry.getByRole('table', { name: 'changes of event_resolved' }).getByRole('row').nth(1);
    expect(await row.locator('td').allTextContents()).toEqual(['resolved', 'false', 'true']);
    await screenshot(page, 'audit');

    // Filtered by actor: another name shows nothing.
    await page.getByLabel('Actor').fill('nobody-else');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No admin action by nobody-else.').waitFor();
  });

  it('renders the AsyncAPI document on the Catalogue page: each type with its subject and registered schema, and the streams', async () => {
    const type = `parcel_${run}.sent`;
    await producer.app.get(SchemaRegistry).register(type, 2, { type: 'object', required: ['weight'], properties: { weight: { type: 'number' } } });
    await open('catalogue');
    const card = page.locator(`[data-event-type="${type}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain(`subject events.${type} · schema mesh:schema:${type}:v2`);
    await card.getByText('data schema (v2)').click();
    expect(JSON.parse((await card.locator('pre.json').textContent()) ?? '')).toMatchObject({ required: ['weight'] });
    expect(await page.getByRole('table', { name: 'streams' }).getByRole('row').count()).toBe(4);
    await page.getByRole('list', { name: 'other channels' }).getByText('dlq.{consumer}.{type}', { exact: true }).waitFor();
    await screenshot(page, 'catalogue');
  });
});
