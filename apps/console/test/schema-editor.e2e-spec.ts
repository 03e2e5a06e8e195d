import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_KEYS } from '@app/testing';
import { type Mesh, startMesh } from '../../../libs/events/test/support.js';
import { type RunningEventStore, startEventStore, storeTestConfig } from '../../event-store/test/support.js';
import { buildWeb, LAPTOP, launchBrowser, openRoute, type RunningConsole, screenshot, startConsole } from './support.js';

// The Catalogue page's schema editor in a real browser (Debian's chromium) over a real mesh: a
// private nats-server, PostgreSQL, the event store. Every message it shows comes from the store.

const KEY = ADMIN_KEYS.schemaEditor;

describe('console (browser): the Catalogue page adds and edits an event type schema', () => {
  let mesh: Mesh;
  let store: RunningEventStore;
  let consoleApp: RunningConsole;
  let browser: Browser;
  let page: Page;
  const run = Date.now().toString(36);
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const webDir = buildWeb();
    mesh = await startMesh('console_schema_editor');
    store = await startEventStore(storeTestConfig(mesh.nats, mesh.db, { adminApiKey: KEY }));
    mesh.defer(() => store.close());
    consoleApp = await startConsole({ natsServers: [mesh.nats.url], databaseUrl: mesh.db.url, adminApiKey: KEY }, [{ name: 'event-store', url: store.url }], webDir);
    mesh.defer(() => consoleApp.close());
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: LAPTOP })).newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await mesh?.close();
  });

  const schemaBox = () => page.getByLabel("JSON Schema of the event's data");
  const checkArea = () => page.locator('[aria-label="schema check"]');
  const sampleData = async () => (JSON.parse((await page.locator('[aria-label="sample event"] pre.json').textContent()) ?? '') as { type: string; data: Record<string, unknown> });

  it('adds a type: validation messages from the event store as the schema is typed, a sample event, then registered and listed', async () => {
    const type = `coupon_${run}.issued`;
    await openRoute(page, consoleApp.url, 'catalogue', KEY);
    await page.getByRole('button', { name: 'Add an event type' }).click();
    const form = page.getByRole('form', { name: 'New event type' });
    await form.getByLabel('Type', { exact: true }).fill('Coupon Issued');
    await schemaBox().fill('{"type": "object"}');
    await checkArea().getByText('type: Invalid event type "Coupon Issued"', { exact: false }).waitFor();

    await form.getByLabel('Type', { exact: true }).fill(type);
    await schemaBox().fill('{"type": "object", "properties": ');
    await checkArea().getByText('schema: not JSON', { exact: false }).waitFor();
    await schemaBox().fill('{"type": "objekt"}');
    await checkArea().getByText('schema does not compile as a JSON Schema', { exact: false }).waitFor();

    const v1 = { type: 'object', required: ['code', 'percent'], properties: { code: { type: 'string', minLength: 6 }, percent: { type: 'integer', minimum: 5, maximum: 50 }, expires: { type: 'string', format: 'date' } } };
    await schemaBox().fill(JSON.stringify(v1, null, 2));
    await checkArea().getByText('Version 1 of a new type; accepts every event the previous version did').waitFor();
    const sample = await sampleData();
    expect(sample).toMatchObject({ type, data: { code: expect.stringMatching(/^.{6,}$/), percent: 5, expires: '2026-01-15' } });
    await screenshot(page, 'schema-editor-new');

    await form.getByRole('button', { name: 'Register version 1' }).click();
    await page.getByText(`Registered ${type} version 1: producers validate against it now.`).waitFor();
    const card = page.locator(`[data-event-type="${type}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain(`schema mesh:schema:${type}:v1`);
    // The sample the page showed is an event the mesh accepts under the registered schema.
    await request(store.url).post('/events').set('X-Api-Key', KEY).send({ type, data: sample.data }).expect(200);
  });

  it('edits a schema as a new version: a narrowing change is refused with the changes until marked breaking', async () => {
    const type = `coupon_${run}.issued`;
    await openRoute(page, consoleApp.url, 'catalogue', KEY);
    const card = page.locator(`[data-event-type="${type}"]`);
    await card.getByRole('button', { name: 'Edit schema' }).click();
    const form = page.getByRole('form', { name: `New version of ${type}` });
    expect(await form.getByLabel('Version', { exact: true }).inputValue()).toBe('2');
    const current = JSON.parse(await schemaBox().inputValue()) as { required: string[] };
    expect(current.required).toEqual(['code', 'percent']);

    // Version 1 again: the store says versions only go up.
    await form.getByLabel('Version', { exact: true }).fill('1');
    await checkArea().getByText('send version 2', { exact: false }).waitFor();
    await form.getByLabel('Version', { exact: true }).fill('2');
    await schemaBox().fill(JSON.stringify({ ...current, required: [...current.required, 'expires'] }, null, 2));
    await checkArea().getByText('data.expires: now required', { exact: false }).waitFor();
    expect(await checkArea().textContent()).toContain('send "breaking": true to register it anyway');
    await form.getByRole('button', { name: 'Register version 2' }).click();
    await page.locator('[aria-label="registration"]').getByText('would refuse events valid under version 1', { exact: false }).waitFor();

    await form.getByLabel('Breaking change', { exact: false }).check();
    await checkArea().getByText('Version 2, after 1; breaking: data.expires: now required').waitFor();
    expect((await sampleData()).data).toHaveProperty('expires');
    await screenshot(page, 'schema-editor-breaking');
    await form.getByRole('button', { name: 'Register version 2' }).click();
    await page.getByText(`Registered ${type} version 2: producers validate against it now.`).waitFor();
    await card.getByText(`schema mesh:schema:${type}:v2`, { exact: false }).waitFor();
    const listed = await request(store.url).get('/events/schemas').set('X-Api-Key', KEY).expect(200);
    expect((listed.body.types as Array<{ type: string; schemaVersions: number[] }>).find((t) => t.type === type)?.schemaVersions).toEqual([1, 2]);
  });
});
