import pg from 'pg';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, waitFor } from '@app/testing';
import { handled, type Mesh, startRecorder } from '../../../libs/events/test/support.js';
import type { RunningEventStore } from '../../event-store/test/support.js';
import { dispatcherTestConfig, startDispatcher } from '../../webhook-dispatcher/test/support.js';
import { buildWeb, type ConsoleMesh, LAPTOP, PHONE, type RunningConsole, screenshot, startConsole, startConsoleMesh, startReceiver, type WebhookReceiver } from './support.js';

// The console in a real browser (Debian's chromium through playwright-core) over a real mesh: a
// private nats-server, a fresh PostgreSQL database, the event-store and a consumer app (the
// recorder) in this process, and the console serving its freshly built page.

const KEY = 'console-test-admin-key';

describe('console (browser)', () => {
  let m: ConsoleMesh;
  let mesh: Mesh;
  let store: RunningEventStore;
  let consoleApp: RunningConsole;
  let receiver: WebhookReceiver;
  let context: BrowserContext;
  let page: Page;
  const run = Date.now().toString(36);

  const publish = (type: string, data: unknown, options?: Parameters<ConsoleMesh['publish']>[2]) => m.publish(type, data, options);
  const stored = (id: string) => m.stored(id, 10_000);
  /** A fresh load of the page (a hash change alone would keep the previous page's state); a test run on its own (-t) signs in here. */
  const open = (route: string) => m.open(route);

  beforeAll(async () => {
    m = await startConsoleMesh({
      name: 'console_e2e',
      key: KEY,
      timeoutMs: 10_000,
      apps: async ({ mesh, store, admin }) => {
        await startRecorder(mesh, 'recorder', 'in-process', admin);
        const hooks = dispatcherTestConfig(mesh.nats, mesh.db);
        const dispatcher = await startDispatcher({ ...hooks, events: { ...hooks.events, ...admin } });
        mesh.defer(() => dispatcher.close());
        const nobody = await freePort();
        return [
          { name: 'event-store', url: store.url },
          { name: 'webhook-dispatcher', url: dispatcher.url },
          { name: 'search-sync', url: `http://127.0.0.1:${nobody}` },
        ];
      },
    });
    ({ mesh, store, console: consoleApp, context, page } = m);
    receiver = await startReceiver();
    mesh.defer(() => receiver.close());
  });

  afterEach(() => {
    expect(m.pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await m?.close();
  });

  it('asks for the admin key once, says when it is wrong, and keeps it for the session', async () => {
    await page.goto(consoleApp.url);
    const key = page.getByLabel('Key', { exact: true });
    await key.fill('not-the-key');
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong key' }).waitFor();
    await screenshot(page, 'key-wrong');
    await key.fill(KEY);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    await page.reload();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    expect(await page.getByLabel('Key', { exact: true }).count()).toBe(0);
  });

  it('shows an event published on the bus in Live within 2 s, and in Events once the store has written it', async () => {
    await open('live');
    await page.getByLabel('Pattern', { exact: true }).fill('Not A Pattern');
    await page.getByRole('button', { name: 'Tail' }).click();
    await page.getByRole('alert').filter({ hasText: 'pattern must be an event type or a NATS-style pattern' }).waitFor();
    await screenshot(page, 'live-bad-pattern');
    await page.getByLabel('Pattern', { exact: true }).fill(`live_${run}.*`);
    await page.getByRole('button', { name: 'Tail' }).click();
    await page.getByText(`Live: events.live_${run}.*`).waitFor();
    await page.getByText('Waiting for events').waitFor();
    await screenshot(page, 'live-empty');

    const other = await publish(`other_${run}.created`, { n: 0 });
    const id = await publish(`live_${run}.created`, { name: 'Taco Stand', n: 1 }, { subject: `v-${run}`, resourceType: 'vendor' });
    await page.locator(`.live-list [data-event-id="${id}"]`).waitFor({ timeout: 2_000 });
    expect(await page.locator(`[data-event-id="${other}"]`).count()).toBe(0);

    // Paused: new events are counted, not shown; resume shows the next ones again.
    await page.getByRole('button', { name: 'Pause' }).click();
    await publish(`live_${run}.updated`, { n: 2 });
    await page.getByText('1 new event not shown').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    const third = await publish(`live_${run}.updated`, { n: 3 });
    await page.locator(`.live-list [data-event-id="${third}"]`).waitFor({ timeout: 2_000 });
    await screenshot(page, 'live');

    await stored(id);
    await open('events');
    await page.locator(`.event-list [data-event-id="${id}"]`).waitFor();
  });

  it('narrows the Events list with the filters and pages with the cursor', async () => {
    const rid = `o-${run}`;
    const ids = [
      await publish(`order_${run}.created`, { item: 'burrito' }, { subject: rid, resourceType: 'order', resourceId: rid }),
      await publish(`order_${run}.paid`, { amount: 12 }, { subject: rid, resourceType: 'order', resourceId: rid }),
      await publish(`order_${run}.failed`, { reason: 'card declined' }, { subject: rid, resourceType: 'order', resourceId: rid, level: 'error' }),
      await publish(`noise_${run}.created`, { item: 'burrito' }),
    ];
    for (const id of ids) await stored(id);
    await open('events');

    await page.getByLabel('Type', { exact: true }).fill(`order_${run}.*`);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.locator('.event-list li[data-event-id]');
    await waitFor(async () => (await rows.count()) === 3, { message: 'the type filter did not narrow to the 3 order events' });
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-event-type')))).toEqual([`order_${run}.failed`, `order_${run}.paid`, `order_${run}.created`]);

    await page.getByLabel('error', { exact: true }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(async () => (await rows.count()) === 1, { message: 'the level filter did not narrow to the error' });
    await screenshot(page, 'events-filtered');

    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByLabel('Text in data', { exact: true }).fill('burrito');
    await page.getByLabel('Type', { exact: true }).fill(`*`);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(async () => (await rows.count()) === 2, { message: 'the text filter did not find the 2 burritos' });
    await page.getByLabel('Source', { exact: true }).fill('event-store');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No event matches these filters').waitFor();
    await page.getByLabel('Source', { exact: true }).fill('test-producer');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(async () => (await rows.count()) === 2, { message: 'the source filter lost the burritos' });
    // A window that ends before the events were published holds none of them; one around them holds both.
    const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await page.getByLabel('To', { exact: true }).fill(local(Date.now() - 3_600_000));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No event matches these filters').waitFor();
    await page.getByLabel('From', { exact: true }).fill(local(Date.now() - 3_600_000));
    await page.getByLabel('To', { exact: true }).fill(local(Date.now() + 3_600_000));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(async () => (await rows.count()) === 2, { message: 'the time window lost the burritos' });

    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: 'Load older events' }).or(page.getByText('No older events.')).first().waitFor();
    await page.getByLabel('Resource id', { exact: true }).fill('no-such-resource');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No event matches these filters').waitFor();
  });

  it("pages through the history with the cursor", async () => {
    const type = `page_${run}.tick`;
    const ids: string[] = [];
    for (let i = 0; i < 55; i++) ids.push(await publish(type, { i }));
    for (const id of ids) await stored(id);
    await open('events');
    await page.getByLabel('Type', { exact: true }).fill(type);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.locator('.event-list li[data-event-id]');
    await waitFor(async () => (await rows.count()) === 50, { message: 'the first page did not hold 50 events' });
    await page.getByRole('button', { name: 'Load older events' }).click();
    await waitFor(async () => (await rows.count()) === 55, { message: 'the second page did not add the 5 older events' });
    await page.getByText('No older events.').waitFor();
    // The store's order (time, then id, newest first) with nothing lost or shown twice across the pages.
    const all = (await request(store.url).get(`/events?type=${type}&limit=1000`).set('X-Api-Key', KEY)).body as { items: { id: string }[] };
    const shown = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-event-id')));
    expect(shown).toEqual(all.items.map((e) => e.id));
    expect([...shown].sort()).toEqual([...ids].sort());
  });

  it("opens the detail drawer with the envelope, data, headers and the resource's timeline, and replays to one consumer", async () => {
    const rid = `t-${run}`;
    const ids = [
      await publish(`ticket_${run}.opened`, { title: 'printer on fire' }, { subject: rid, resourceType: 'ticket', resourceId: rid }),
      await publish(`ticket_${run}.assigned`, { to: 'ops' }, { subject: rid, resourceType: 'ticket', resourceId: rid }),
      await publish(`ticket_${run}.closed`, { fixed: true }, { subject: rid, resourceType: 'ticket', resourceId: rid }),
    ];
    for (const id of ids) await stored(id);
    await open('events');
    await page.getByLabel('Resource id', { exact: true }).fill(rid);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator(`[data-event-id="${ids[1]}"] .event-open`).click();

    const drawer = page.getByRole('dialog', { name: 'Event details' });
    await drawer.getByText('printer on fire').waitFor();
    const timeline = drawer.getByRole('list', { name: 'timeline' });
    expect(await timeline.locator('li code').allTextContents()).toEqual([`ticket_${run}.opened`, `ticket_${run}.assigned`, `ticket_${run}.closed`]);
    expect(await timeline.locator('li.current code').textContent()).toBe(`ticket_${run}.assigned`);
    await drawer.getByText('"Nats-Msg-Id"').waitFor();
    await drawer.getByText('"ops"').first().waitFor();
    await screenshot(page, 'event-drawer');

    // The view is a link: filters and the open event survive a reload.
    expect(new URL(page.url()).hash).toBe(`#/events?resourceId=${rid}&event=${ids[1]}`);
    await page.reload();
    await drawer.getByText('printer on fire').waitFor();
    expect(await page.getByLabel('Resource id', { exact: true }).inputValue()).toBe(rid);
    await waitFor(async () => (await page.locator('.event-list li[data-event-id]').count()) === 3, { message: 'the filter from the link was not applied' });

    await drawer.locator('select[name="consumer"]').selectOption('recorder');
    await drawer.getByRole('button', { name: 'Replay this event' }).click();
    await drawer.getByText('Queued 1 event for recorder').waitFor();
    await waitFor(async () => (await handled(mesh)).some((h) => h.event_id === ids[1] && h.consumer === 'recorder-replay'), { message: 'the recorder never got the replay' });
    // Only that one event was replayed.
    expect((await handled(mesh)).filter((h) => h.consumer === 'recorder-replay').map((h) => h.event_id)).toEqual([ids[1]]);

    // Another event of the timeline opens in the same drawer.
    await timeline.getByRole('button', { name: new RegExp(`ticket_${run}\\.closed`) }).click();
    await drawer.getByText('"fixed": true').first().waitFor();
    await page.keyboard.press('Escape');
    expect(await drawer.count()).toBe(0);
  });

  it('lists unresolved errors and resolves / unresolves them', async () => {
    const id = await publish(`job_${run}.crashed`, { job: 'nightly-report', error: 'disk full' }, { level: 'error' });
    await stored(id);
    await open('errors');
    // Errors opens grouped; the one-by-one list is a click away.
    await page.getByRole('button', { name: 'Unresolved', exact: true }).click();
    const row = page.locator(`.event-list [data-event-id="${id}"]`);
    await row.waitFor();
    await screenshot(page, 'errors');
    await row.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText(`job_${run}.crashed resolved.`).waitFor();
    await waitFor(async () => (await row.count()) === 0, { message: 'the resolved error stayed in the unresolved list' });
    expect((await request(store.url).get(`/events/${id}`).set('X-Api-Key', KEY)).body).toMatchObject({ resolved: true, resolvedBy: 'console' });

    await page.getByRole('button', { name: 'Resolved', exact: true }).click();
    await row.getByRole('button', { name: 'Unresolve' }).click();
    await page.getByText(`job_${run}.crashed is unresolved again.`).waitFor();
    expect((await request(store.url).get(`/events/${id}`).set('X-Api-Key', KEY)).body).toMatchObject({ resolved: false });
  });

  it('charts events per hour by level and type, the error rate and the top types', async () => {
    await open('stats');
    await page.locator('.recharts-surface').first().waitFor();
    expect(await page.locator('figure figcaption').allTextContents()).toEqual([
      'Events per hour by level',
      'Events per hour by type',
      'Error rate per hour (%)',
      'Top types',
    ]);
    const total = (await request(store.url).get('/events/stats').set('X-Api-Key', KEY)).body as { total: number };
    await page.locator('.stat').filter({ hasText: 'events' }).getByText(total.total.toLocaleString('en-US')).waitFor();
    await page.locator('table').getByText(`page_${run}.tick`).waitFor();
    await screenshot(page, 'stats');
  });

  it('creates, edits, disables, re-enables, rotates and deletes a webhook subscription, showing each secret once', async () => {
    await open('webhooks');
    await page.getByText('No subscriptions yet').waitFor();
    await page.getByRole('button', { name: 'New subscription' }).click();
    const form = page.getByRole('form', { name: 'New subscription' });
    await form.locator('input[name="name"]').fill(`orders ${run}`);
    await form.locator('input[name="url"]').fill('http://127.0.0.1:9/hook');
    await form.locator('input[name="eventTypes"]').fill(`order_${run}.*`);
    await form.locator('textarea[name="filter"]').fill('{"amount": ');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await form.getByText('filter is not valid JSON').waitFor();
    await form.locator('textarea[name="filter"]').fill('');
    await form.locator('input[name="eventTypes"]').fill('Not A Type');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await form.getByRole('alert').filter({ hasText: 'eventTypes' }).waitFor();
    await form.locator('input[name="eventTypes"]').fill(`order_${run}.*`);
    await form.getByRole('button', { name: 'Create subscription' }).click();

    const secret = page.getByRole('status', { name: 'New signing secret' });
    const first = await secret.getByTestId('secret').textContent();
    expect(first).toMatch(/^whsec_/);
    const card = page.locator(`[data-subscription="orders ${run}"]`);
    await card.getByText('active', { exact: true }).waitFor();
    await screenshot(page, 'webhooks-created');
    await secret.getByRole('button', { name: 'I have stored it' }).click();
    expect(await secret.count()).toBe(0);
    // The list never shows it again.
    await page.reload();
    await card.waitFor();
    expect(await page.getByText(first!).count()).toBe(0);

    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: `Edit orders ${run}` });
    await edit.locator('input[name="timeoutMs"]').fill('2500');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('timeout 2500 ms').waitFor();

    await card.getByRole('button', { name: 'Disable' }).click();
    await card.getByText('disabled', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Enable' }).click();
    await card.getByText('active', { exact: true }).waitFor();

    await card.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await secret.getByTestId('secret').textContent();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(first);
    await secret.getByText('The old secret still signs until').waitFor();
    await card.getByText('Previous secret valid until').waitFor();
    await screenshot(page, 'webhooks-rotated');

    await card.getByRole('button', { name: 'Delete…' }).click();
    await card.getByRole('button', { name: `Delete orders ${run} for good` }).click();
    await page.getByText(`Deleted orders ${run}`).waitFor();
    await page.getByText('No subscriptions yet').waitFor();
  });

  it('makes the dispatcher deliver the next matching event to a subscription created in the page; tests it; shows the delivery log and resends', async () => {
    await open('webhooks');
    await page.getByRole('button', { name: 'New subscription' }).click();
    const form = page.getByRole('form', { name: 'New subscription' });
    await form.locator('input[name="name"]').fill(`receiver ${run}`);
    await form.locator('input[name="url"]').fill(receiver.url);
    await form.locator('input[name="eventTypes"]').fill(`hook_${run}.*`);
    await form.getByRole('button', { name: 'Create subscription' }).click();
    const secret = (await page.getByRole('status', { name: 'New signing secret' }).getByTestId('secret').textContent())!;
    await page.getByRole('button', { name: 'I have stored it' }).click();

    await publish(`nohook_${run}.created`, { n: 0 });
    const id = await publish(`hook_${run}.created`, { order: 42 });
    const delivered = await waitFor(() => receiver.received.find((r) => r.headers['webhook-id'] === id), { timeoutMs: 15_000, message: 'the dispatcher never delivered the event' });
    // Signed with the secret the page showed once (Standard Webhooks), body = the envelope.
    expect(new Webhook(secret).verify(delivered!.body, delivered!.headers)).toMatchObject({ id, type: `hook_${run}.created`, data: { order: 42 } });
    expect(receiver.received.some((r) => r.body.includes(`nohook_${run}`))).toBe(false);

    // The card's health counts that delivery (a refresh reloads the figures), with nothing waiting.
    const health = page.getByLabel(`Health of receiver ${run}`);
    await waitFor(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await health.locator('[data-window="Last hour"] [data-figure="attempts"]').textContent({ timeout: 2_000 }).catch(() => null)) === '1';
    }, { timeoutMs: 15_000, message: 'the health figures never counted the delivery' });
    for (const window of ['Last hour', 'Last day']) {
      const w = health.locator(`[data-window="${window}"]`);
      expect(await w.locator('[data-figure="successRate"]').textContent()).toBe('100.0 %');
      expect(await w.locator('[data-figure="p50"]').textContent()).toMatch(/^\d+ ms$/);
    }
    expect(await health.locator('[data-figure="pending"]').textContent()).toBe('0');
    await screenshot(page, 'webhooks-health');

    await page.getByRole('tab', { name: 'Test' }).click();
    const test = page.getByRole('form', { name: 'Test a webhook' });
    await test.locator('select[name="testSubscription"]').selectOption({ label: `receiver ${run} (${receiver.url})` });
    await test.getByRole('button', { name: 'Send test event' }).click();
    const result = page.getByLabel('Test result');
    await result.getByText('HTTP 200').waitFor();
    await result.getByText('"x-receiver": "console-test"').waitFor();
    await result.getByText('{"ok":true').waitFor();
    await result.getByText(/in \d+ ms/).waitFor();
    await screenshot(page, 'webhooks-test');
    expect(receiver.received.some((r) => JSON.parse(r.body).type === 'webhook.test')).toBe(true);

    // A bare URL works too, signed with a one-off secret the result shows.
    const sent = receiver.received.length;
    await test.getByLabel('a URL').check();
    await test.locator('input[name="testUrl"]').fill(`${receiver.url}?bare=1`);
    await test.locator('input[name="eventType"]').fill(`probe_${run}.ping`);
    await test.getByRole('button', { name: 'Send test event' }).click();
    await result.getByText('Signed with a one-off secret').waitFor();
    await result.getByText('HTTP 200').waitFor();
    expect(receiver.received.slice(sent).map((r) => JSON.parse(r.body).type)).toEqual([`probe_${run}.ping`]);

    await page.getByRole('tab', { name: 'Deliveries' }).click();
    const row = page.locator(`[data-event-id="${id}"]`);
    await row.getByText('succeeded', { exact: true }).waitFor();
    await row.getByText(/attempt 1\/\d+ · HTTP 200/).waitFor();
    await row.getByRole('button', { name: 'Attempts' }).click();
    await row.getByText('#1 HTTP 200').waitFor();
    const before = receiver.received.filter((r) => r.headers['webhook-id'] === id).length;
    await row.getByRole('button', { name: 'Resend' }).click();
    await page.getByText(`Resent hook_${run}.created to receiver ${run}: HTTP 200.`).waitFor();
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === id)).toHaveLength(before + 1);
    await row.getByText('#2 HTTP 200').waitFor();
    await screenshot(page, 'webhooks-deliveries');
  });

  it('shows dead letters per consumer with reason and error, redrives one to its consumer only, and purges', async () => {
    const id = await publish(`dlq_${run}.job`, { rejectUntilRedriven: true, job: 'invoice' });
    const doomed = await publish(`dlq_${run}.job`, { rejectForGood: true, job: 'spam' });
    await open('dead-letters');
    const row = (eventId: string) => page.locator(`table[aria-label="dead letters"] tr[data-event-id="${eventId}"]`);
    await waitFor(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await row(id).count()) === 1 && (await row(doomed).count()) === 1;
      },
      { timeoutMs: 15_000, message: 'the dead letters never showed up' },
    );
    await row(id).getByText('non_retryable').waitFor();
    await row(id).getByText('reject this event until it is redriven').waitFor();
    await page.getByRole('button', { name: /recorder/ }).first().waitFor();
    await screenshot(page, 'dead-letters');

    await row(id).getByRole('button', { name: '#' }).or(row(id).locator('button.link')).first().click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Mesh-Dlq-Reason').waitFor();
    await screenshot(page, 'dead-letter-drawer');
    await drawer.getByRole('button', { name: 'Redrive to recorder' }).click();
    await page.getByText('Redrove 1 dead letter to recorder.').waitFor();
    await waitFor(async () => (await handled(mesh)).some((h) => h.event_id === id && h.consumer === 'recorder-replay'), { message: 'the redriven letter never reached the recorder' });
    await waitFor(async () => (await row(id).count()) === 0, { message: 'the redriven letter stayed on the page' });
    // Redrive reaches the consumer that failed it only: the event-store, also on the bus, stored it once.
    expect((await handled(mesh)).filter((h) => h.event_id === id).map((h) => h.consumer)).toEqual(['recorder-replay']);

    await page.locator('select[name="consumer"]').selectOption('recorder');
    await page.getByRole('button', { name: 'Purge…' }).click();
    await page.getByRole('alertdialog', { name: 'Confirm purge' }).getByText('Purge the 1 dead letter of recorder? They are deleted for good.').waitFor();
    await page.getByRole('button', { name: 'Purge them' }).click();
    await page.getByText('Purged 1 dead letter.').waitFor();
    await page.getByText('No dead letters of recorder').waitFor();
    const left = (await request(consoleApp.url).get('/api/dead-letters?consumer=recorder').set('X-Api-Key', KEY)).body as { total: number };
    expect(left.total).toBe(0);
  });

  it('starts a replay job, shows its progress, and cancels a running one', async () => {
    // 3,000 stored events (three of the replayer's 1,000-event batches), their ids claimed as the writer does.
    const type = `bulk_${run}.item`;
    await mesh.db.query(
      `WITH e AS (
         INSERT INTO events (id, type, source, level, time, received_at, data)
         SELECT $1 || '-' || g, $1, 'seed', 'info', '2023-06-01T00:00:00Z'::timestamptz + g * interval '1 millisecond', now(), jsonb_build_object('g', g)
         FROM generate_series(1, 3000) AS g RETURNING id, time)
       INSERT INTO event_ids (id, time) SELECT id, time FROM e`,
      [type],
    );
    await open('replays');
    await page.getByText('No replay jobs in this event-store process').waitFor();
    const form = page.getByRole('form', { name: 'Start a replay job' });
    const card = (state: string) => page.locator(`ul[aria-label="replay jobs"] li[data-state="${state}"]`);

    // A job that runs to its end: at most 10 events.
    await form.locator('select[name="consumer"]').selectOption('recorder');
    await form.getByLabel('Type', { exact: true }).fill(type);
    await form.getByLabel('At most', { exact: true }).fill('10');
    await form.getByRole('button', { name: 'Start replay job' }).click();
    await card('done').getByText('10 events queued', { exact: true }).waitFor();
    expect(await card('done').getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    const replayedToRecorder = async () => (await handled(mesh)).filter((h) => h.type === type && h.consumer === 'recorder-replay').length;
    await waitFor(async () => (await replayedToRecorder()) === 10, { message: 'the recorder did not get the 10 replayed events' });

    // The job's reads of `events` wait behind this lock, so it is still running when Cancel is
    // pressed, whatever the machine's speed; the cancel answers once the lock goes and its first
    // batch has been read, which a cancelled job no longer sends.
    const locker = new pg.Client({ connectionString: mesh.db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      await form.getByLabel('At most', { exact: true }).fill('');
      await form.getByRole('button', { name: 'Start replay job' }).click();
      const running = card('running');
      await running.getByText('0 events queued so far (at most 100,000)').waitFor();
      await running.locator('progress').waitFor();
      await screenshot(page, 'replays-running');
      await running.getByRole('button', { name: 'Cancel' }).click();
      await running.getByRole('button', { name: 'Cancelling…' }).waitFor();
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    await page.getByText('Cancelled the replay to recorder after 0 events.').waitFor();
    const cancelled = card('cancelled');
    await cancelled.getByText('0 events queued', { exact: true }).waitFor();
    await cancelled.getByText('cancelled by admin-api').waitFor();
    expect(await page.locator('ul[aria-label="replay jobs"] li').count()).toBe(2);
    expect(await replayedToRecorder()).toBe(10);
    await screenshot(page, 'replays');
    // The page shows what the event-store says: newest first.
    const { items } = (await request(store.url).get('/events/replay').set('X-Api-Key', KEY).expect(200)).body as { items: { state: string; queued: number }[] };
    expect(items.map((j) => [j.state, j.queued])).toEqual([
      ['cancelled', 0],
      ['done', 10],
    ]);
  });

  it("shows every app's health at a glance, an unreachable one included", async () => {
    await open('health');
    const storeCard = page.locator('[data-app="event-store"]');
    await storeCard.getByText('up', { exact: true }).waitFor();
    await storeCard.getByText('consumer lag').waitFor();
    await storeCard.getByText('DLQ depth').waitFor();
    await page.locator('[data-app="webhook-dispatcher"]').getByText('up', { exact: true }).waitFor();
    await page.locator('[data-app="search-sync"]').getByText('unreachable', { exact: true }).waitFor();
    await page.locator('[data-app="search-sync"]').getByText('ECONNREFUSED').waitFor();
    const durables = page.getByRole('table', { name: 'durable consumers' });
    for (const name of ['event-store', 'recorder', 'webhook-dispatcher', 'recorder-replay']) await durables.locator(`tr[data-durable="${name}"]`).first().waitFor();
    await page.getByRole('table', { name: 'streams' }).getByText('EVENTS_DLQ').waitFor();
    await screenshot(page, 'health');
  });

  it('opens without asking when the mesh has no ADMIN_API_KEY, says admin actions are refused, and shows an app refusing as an error', async () => {
    const open = await startConsole({ natsServers: [mesh.nats.url], databaseUrl: mesh.db.url }, [{ name: 'event-store', url: store.url }], buildWeb());
    mesh.defer(() => open.close());
    const tab = await context.newPage();
    m.watch(tab);
    await tab.goto(`${open.url}/#/events`);
    await tab.getByText('ADMIN_API_KEY is not set on the mesh').waitFor();
    expect(await tab.getByLabel('Key', { exact: true }).count()).toBe(0);
    // This event-store does have a key: its refusal is shown with its message and a retry.
    const alert = tab.getByRole('alert').filter({ hasText: 'Could not load events' });
    await alert.getByText('Missing X-Api-Key header').waitFor();
    await alert.getByRole('button', { name: 'Try again' }).waitFor();
    await screenshot(tab, 'error-state');
    await tab.close();
  });

  it('is usable at phone width: every page renders without sideways scrolling', async () => {
    // The same tab, so the session's key stays (sessionStorage is per tab).
    const phone = page;
    await phone.setViewportSize(PHONE);
    for (const route of ['overview', 'events', 'live', 'stats', 'errors', 'webhooks', 'dead-letters', 'replays', 'health']) {
      await open(route);
      await waitFor(async () => (await phone.locator('.state-loading, .live-status[data-state="connecting"]').count()) === 0, { message: `${route} kept loading` });
      const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      await screenshot(phone, `phone-${route}`);
      expect({ route, overflow }).toEqual({ route, overflow: 0 });
    }
    await phone.setViewportSize(LAPTOP);
  });
});
