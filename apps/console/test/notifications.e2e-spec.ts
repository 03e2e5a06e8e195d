import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { maskPhone } from '@app/events';
import { ADMIN_KEYS, EMAILS, freePort, PHONES, SIGNING_SECRETS, waitFor } from '@app/testing';
import { maskEmail } from '../../sms-notifier/src/email/email-address.js';
import { renderTemplate, smsEncoding } from '../../sms-notifier/src/templates/template-text.js';
import { type RunningSmsNotifier, startSmsNotifier, testEventsConfig } from '../../sms-notifier/test/support.js';
import { SmtpStandIn } from '../../sms-notifier/test/smtp-stand-in.js';
import { type ConsoleMesh, LAPTOP, PHONE, screenshot, startConsoleMesh } from './support.js';

// The Notifications page (issue 25) in Debian's chromium over a real mesh and a real sms-notifier:
// its SMS go to a JSON gateway stand-in on loopback (the sms-notifier's own `http` provider) and
// its emails to an in-process SMTP server (smtp-server), both driven by the app's real clients.

const KEY = ADMIN_KEYS.notificationsConsole;

/** An SMS gateway: takes `{to, text, reference}` and answers `{id}`; refuses one number with a 400, as a gateway refuses a blocked recipient. */
class GatewayStandIn {
  readonly sent: Array<{ to: string; text: string }> = [];
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const sms = JSON.parse(body) as { to: string; text: string };
      if (sms.to === PHONES.consoleRefused) return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'recipient is blocked' }));
      this.sent.push(sms);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `gw-${this.sent.length}` }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('console notifications page (browser, real sms-notifier)', () => {
  let m: ConsoleMesh;
  let page: Page;
  let notifier: RunningSmsNotifier;
  let smtp: SmtpStandIn;
  const gateway = new GatewayStandIn();
  const run = Date.now().toString(36);
  const TEMPLATE = `shipped_${run}`;
  const FA_SHORT = 'مرسوله سفارش #{{orderId}} ارسال شد';
  const FA_LONG = `${FA_SHORT}. می‌توانید وضعیت آن را در بخش سفارش‌های من ببینید و در صورت نیاز با پشتیبانی تماس بگیرید.`;
  const sample = { orderId: 1042 };

  const admin = () => ({ 'X-Api-Key': KEY });
  const rules = async () => (await request(notifier.url).get('/sms/rules').set(admin()).expect(200)).body as Array<Record<string, unknown>>;
  const segmentsLine = (text: string) => {
    const e = smsEncoding(renderTemplate(text, sample));
    return `${e.encoding} · ${e.segments} ${e.segments === 1 ? 'segment' : 'segments'} · ${e.characters} characters (${e.perSegment} per segment)`;
  };

  beforeAll(async () => {
    smtp = await SmtpStandIn.start();
    const gatewayUrl = await gateway.start();
    m = await startConsoleMesh({
      name: 'console_notify',
      key: KEY,
      apps: async ({ mesh, store }) => {
        const port = await freePort();
        notifier = await startSmsNotifier(
          {
            events: testEventsConfig(mesh.nats, mesh.db, KEY),
            sms: {
              provider: 'http',
              ratePerHour: 0,
              publicBaseUrl: `http://127.0.0.1:${port}`,
              http: {
                url: gatewayUrl,
                method: 'POST',
                contentType: 'application/json',
                bodyTemplate: '{"to":"{{to}}","text":"{{text}}","reference":"{{idempotencyKey}}"}',
                authHeader: 'Authorization',
                idempotencyHeader: 'Idempotency-Key',
                messageIdPath: 'id',
              },
              email: { smtpUrl: smtp.url, from: 'Shop <no-reply@shop.example>', unsubscribeSecret: SIGNING_SECRETS.emailUnsubscribe },
            },
          },
          port,
        );
        mesh.defer(() => notifier.close());
        return [
          { name: 'event-store', url: store.url },
          { name: 'sms-notifier', url: notifier.url },
        ];
      },
    });
    page = m.page;
  }, 300_000);

  afterEach(() => {
    expect(m.pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await m?.close();
    await smtp?.close();
    await gateway.close();
  });

  it('previews a template while it is written: the SMS segments and encoding as the sms-notifier counts them, the Persian email right to left in a sandboxed frame', async () => {
    await m.open('notifications');
    await page.getByRole('tab', { name: 'Templates' }).click();
    await page.locator('table[aria-label="templates"] tr[data-template="order_confirmation/fa"]').waitFor();
    await page.getByRole('button', { name: 'New template' }).click();
    const form = page.getByRole('form', { name: 'New template' });
    await form.getByLabel('Key', { exact: true }).fill(TEMPLATE);
    await form.getByLabel('Locale', { exact: true }).fill('fa');
    await form.getByLabel(/^Sample data/).fill(JSON.stringify(sample));
    const body = form.getByLabel(/^Text/);
    const preview = page.getByRole('region', { name: 'Preview' });
    const segments = preview.locator('.sms-segments');

    await body.fill(FA_SHORT);
    await segments.filter({ hasText: segmentsLine(FA_SHORT) }).waitFor();
    expect(segmentsLine(FA_SHORT)).toMatch(/^UCS-2 · 1 segment · /);
    expect(await preview.locator('.sms-bubble').textContent()).toBe('مرسوله سفارش #1042 ارسال شد');

    // The email: the sms-notifier's own HTML, right to left, in a frame that runs nothing.
    const frameElement = page.locator('iframe[title="Email preview"]');
    expect(await frameElement.getAttribute('sandbox')).toBe('');
    const frame = page.frameLocator('iframe[title="Email preview"]');
    await frame.locator('html[lang="fa"][dir="rtl"]').waitFor();
    expect(await frame.locator('body').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).direction)).toBe('rtl');
    expect(await frame.locator('p').first().textContent()).toBe('مرسوله سفارش #1042 ارسال شد');

    // Longer than 70 UCS-2 characters: split, 67 per segment.
    await body.fill(FA_LONG);
    await segments.filter({ hasText: segmentsLine(FA_LONG) }).waitFor();
    expect(segmentsLine(FA_LONG)).toMatch(/^UCS-2 · 2 segments · \d+ characters \(67 per segment\)$/);
    await screenshot(page, 'notifications-template-preview-fa');

    // A placeholder the sample lacks is named, as the sms-notifier refuses it.
    await body.fill(`${FA_SHORT} {{customer.name}}`);
    await preview.getByRole('alert').filter({ hasText: 'data lacks {{customer.name}}' }).waitFor();

    await body.fill(FA_LONG);
    await segments.filter({ hasText: segmentsLine(FA_LONG) }).waitFor();
    await form.getByRole('button', { name: 'Save template' }).click();
    await page.getByText(`Saved ${TEMPLATE} (fa).`).waitFor();
    await page.locator(`tr[data-template="${TEMPLATE}/fa"]`).waitFor();
    const stored = (await request(notifier.url).get(`/sms/templates/${TEMPLATE}`).set(admin()).expect(200)).body as Array<{ locale: string; body: string }>;
    expect(stored).toEqual([expect.objectContaining({ locale: 'fa', body: FA_LONG, sampleData: sample })]);

    // English: GSM-7, left to right.
    await page.getByRole('button', { name: 'New template' }).click();
    await form.getByLabel('Key', { exact: true }).fill(TEMPLATE);
    await form.getByLabel('Locale', { exact: true }).fill('en');
    await form.getByLabel(/^Sample data/).fill(JSON.stringify(sample));
    await body.fill('Order #{{orderId}} is on its way');
    await segments.filter({ hasText: segmentsLine('Order #{{orderId}} is on its way') }).waitFor();
    expect(segmentsLine('Order #{{orderId}} is on its way')).toMatch(/^GSM-7 · 1 segment · 25 characters \(160 per segment\)$/);
    await frame.locator('html[lang="en"][dir="ltr"]').waitFor();
    await screenshot(page, 'notifications-template-preview-en');
    await form.getByRole('button', { name: 'Save template' }).click();
    await page.locator(`tr[data-template="${TEMPLATE}/en"]`).waitFor();
  });

  it('creates, edits and deletes rules through the sms-notifier, showing its refusal naming the field', async () => {
    await m.open('notifications');
    await page.locator('[data-rule="order-started"]').waitFor();
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name', { exact: true }).fill(`ship-sms-${run}`);
    await form.getByLabel('Event pattern', { exact: true }).fill('shipment.dispatched');
    await form.getByLabel('Phone path', { exact: true }).fill('customer.phone');
    await form.getByLabel('Template key', { exact: true }).fill(`nothing_${run}`);
    await form.getByRole('button', { name: 'Create rule' }).click();
    await form.getByRole('alert').filter({ hasText: `templateKey: no template "nothing_${run}"` }).waitFor();
    await screenshot(page, 'notifications-rule-refused');

    await form.getByLabel('Template key', { exact: true }).fill(TEMPLATE);
    await form.getByRole('button', { name: 'Create rule' }).click();
    const card = page.locator(`[data-rule="ship-sms-${run}"]`);
    await card.waitFor();
    expect((await rules()).find((r) => r.name === `ship-sms-${run}`)).toMatchObject({ channel: 'sms', phonePath: 'customer.phone', templateKey: TEMPLATE, localePath: 'locale', defaultLocale: 'fa', condition: null, enabled: true });

    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: `Edit ship-sms-${run}` });
    await edit.getByLabel(/^Condition/).fill('carrier == "post"');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('carrier == "post"').waitFor();
    expect((await rules()).find((r) => r.name === `ship-sms-${run}`)).toMatchObject({ condition: 'carrier == "post"', phonePath: 'customer.phone' });

    await page.getByRole('button', { name: 'New rule' }).click();
    await form.getByLabel('Name', { exact: true }).fill(`ship-mail-${run}`);
    await form.getByLabel('Event pattern', { exact: true }).fill('shipment.dispatched');
    await form.locator('select[name="channel"]').selectOption('email');
    await form.getByLabel('Address path', { exact: true }).fill('customer.email');
    await form.getByLabel('Template key', { exact: true }).fill(TEMPLATE);
    await form.getByRole('button', { name: 'Create rule' }).click();
    await page.locator(`[data-rule="ship-mail-${run}"]`).getByText('Email', { exact: true }).waitFor();
    expect((await rules()).find((r) => r.name === `ship-mail-${run}`)).toMatchObject({ channel: 'email', emailPath: 'customer.email', phonePath: null });
    await screenshot(page, 'notifications-rules');

    const seeded = page.locator('[data-rule="payment-succeeded"]');
    await seeded.getByRole('button', { name: 'Delete…' }).click();
    await seeded.getByRole('button', { name: 'Delete payment-succeeded for good' }).click();
    await page.getByText('Deleted payment-succeeded.').waitFor();
    await seeded.waitFor({ state: 'detached' });
    expect((await rules()).map((r) => r.name)).not.toContain('payment-succeeded');
  });

  it('creates a rule by user id with quiet hours, a zone and urgent, stored so and shown; an edit back to a phone path clears them', async () => {
    const name = `remind-${run}`;
    const stored = async () => (await rules()).find((r) => r.name === name);
    await m.open('notifications');
    await page.locator('[data-rule="order-started"]').waitFor();
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name', { exact: true }).fill(name);
    // A type nothing in this suite publishes: the rule must not add messages to the next test's counts.
    await form.getByLabel('Event pattern', { exact: true }).fill('reminder.due');
    await form.getByLabel('user id (from the directory)').check();
    await form.getByLabel('User id path', { exact: true }).fill('customer.id');
    await form.getByLabel('Template key', { exact: true }).fill(TEMPLATE);
    await form.getByLabel(/^Quiet hours/).fill('22-08');
    await form.getByLabel(/^Time zone/).fill('Asia/Tehran');
    await form.getByLabel('Urgent: send inside quiet hours too').check();
    await form.getByRole('button', { name: 'Create rule' }).click();
    await form.getByRole('alert').filter({ hasText: 'quietHours must be a local time window HH:MM-HH:MM' }).waitFor();
    expect(await stored()).toBeUndefined();
    await screenshot(page, 'notifications-rule-form-by-user');

    await form.getByLabel(/^Quiet hours/).fill('22:00-08:00');
    await form.getByRole('button', { name: 'Create rule' }).click();
    const card = page.locator(`[data-rule="${name}"]`);
    await card.waitFor();
    expect(await stored()).toMatchObject({ channel: 'sms', userPath: 'customer.id', phonePath: null, emailPath: null, quietHours: '22:00-08:00', timeZone: 'Asia/Tehran', urgent: true });
    expect(await card.locator('.pill-urgent').textContent()).toBe('Urgent');
    expect(await card.locator('.rule-recipient').textContent()).toBe('customer.id');
    await card.getByText(/to user customer\.id/).waitFor();
    expect(await card.locator('.rule-quiet').textContent()).toBe("quiet hours 22:00-08:00 (recipient's zone, else Asia/Tehran)");
    await screenshot(page, 'notifications-rule-by-user');

    // The edit form reads the rule back, and switching the source sends the other one as null.
    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: `Edit ${name}` });
    expect(await edit.getByLabel('user id (from the directory)').isChecked()).toBe(true);
    expect(await edit.getByLabel('User id path', { exact: true }).inputValue()).toBe('customer.id');
    expect(await edit.getByLabel(/^Quiet hours/).inputValue()).toBe('22:00-08:00');
    expect(await edit.getByLabel(/^Time zone/).inputValue()).toBe('Asia/Tehran');
    expect(await edit.getByLabel('Urgent: send inside quiet hours too').isChecked()).toBe(true);
    await edit.getByLabel('number in the event').check();
    await edit.getByLabel('Phone path', { exact: true }).fill('customer.phone');
    await edit.getByLabel(/^Quiet hours/).fill('');
    await edit.getByLabel(/^Time zone/).fill('');
    await edit.getByLabel('Urgent: send inside quiet hours too').uncheck();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await card.locator('.rule-recipient').filter({ hasText: 'customer.phone' }).waitFor();
    expect(await stored()).toMatchObject({ phonePath: 'customer.phone', userPath: null, quietHours: null, timeZone: null, urgent: false });
    expect(await card.locator('.pill-urgent, .rule-quiet').count()).toBe(0);
  });

  it('lists recent SMS and emails with their outcome, numbers and addresses masked', async () => {
    const shipment = (orderId: number, customer: Record<string, string>) =>
      m.publish('shipment.dispatched', { orderId, carrier: 'post', locale: 'fa', customer }, { resourceType: 'order', resourceId: String(orderId) });
    const sent = await shipment(7001, { phone: PHONES.consoleSent, email: EMAILS.console });
    const refused = await shipment(7002, { phone: PHONES.consoleRefused, email: EMAILS.console });
    const outcome = (path: string, eventId: string) =>
      waitFor(
        async () => {
          const rows = (await request(notifier.url).get(`${path}?eventId=${eventId}`).set(admin()).expect(200)).body as Array<{ status: string }>;
          return rows.length === 1 && !['sending', 'retrying'].includes(rows[0].status) ? rows[0] : undefined;
        },
        { timeoutMs: 30_000, message: `no outcome in ${path} for ${eventId}` },
      );
    expect(await outcome('/sms/messages', sent)).toMatchObject({ status: 'sent', provider: 'http' });
    expect(await outcome('/sms/messages', refused)).toMatchObject({ status: 'failed', reason: 'rejected' });
    expect(await outcome('/email/messages', sent)).toMatchObject({ status: 'sent' });
    expect(gateway.sent.map((s) => s.to)).toEqual([PHONES.consoleSent]);

    await m.open('notifications');
    await page.getByRole('tab', { name: 'Messages' }).click();
    const smsList = page.getByRole('list', { name: 'sms messages' });
    const sentCard = smsList.locator(`[data-event-id="${sent}"]`);
    await sentCard.locator('.pill-sent').waitFor();
    expect(await sentCard.locator('.message-to').textContent()).toBe(maskPhone(PHONES.consoleSent));
    await sentCard.getByText(/via http · UCS-2 2 segments/).waitFor();
    const refusedCard = smsList.locator(`[data-event-id="${refused}"]`);
    await refusedCard.locator('.pill-failed').waitFor();
    await refusedCard.getByText('Reason: rejected').waitFor();
    expect(await refusedCard.locator('.message-to').textContent()).toBe(maskPhone(PHONES.consoleRefused));
    await screenshot(page, 'notifications-messages-sms');

    await page.locator('select[name="messageStatus"]').selectOption('failed');
    await waitFor(async () => (await smsList.locator('li').count()) === 1, { timeoutMs: 15_000, message: 'the status filter did not narrow to the failed SMS' });
    expect(await smsList.locator('li').getAttribute('data-event-id')).toBe(refused);

    await page.getByRole('tab', { name: 'Email' }).click();
    const mailCard = page.getByRole('list', { name: 'email messages' }).locator(`[data-event-id="${sent}"]`);
    await mailCard.locator('.pill-sent').waitFor();
    expect(await mailCard.locator('.message-to').textContent()).toBe(maskEmail(EMAILS.console));
    await mailCard.getByText(`via smtp:127.0.0.1:${smtp.port}`).waitFor();
    await screenshot(page, 'notifications-messages-email');
    expect(smtp.to(EMAILS.console)).toHaveLength(2);

    // Neither the page nor the route it reads ever holds a number or an address in full.
    const content = await page.content();
    for (const secret of [PHONES.consoleSent, PHONES.consoleRefused, EMAILS.console]) expect(content).not.toContain(secret);
    for (const channel of ['sms', 'email']) {
      const answer = await request(notifier.url).get(`/notifications/recent?channel=${channel}`).set(admin()).expect(200);
      for (const secret of [PHONES.consoleSent, PHONES.consoleRefused, EMAILS.console, '9121110005', '9121110006']) expect(answer.text).not.toContain(secret);
    }
  });

  it('refuses a bad channel or an SMS-only status for email, naming the field', async () => {
    const channel = await request(notifier.url).get('/notifications/recent?channel=fax').set(admin()).expect(400);
    expect(JSON.stringify(channel.body)).toContain('channel must be one of sms, email');
    const status = await request(notifier.url).get('/notifications/recent?channel=email&status=delivered').set(admin()).expect(400);
    expect(status.body).toMatchObject({ field: 'status' });
    expect(JSON.stringify(status.body)).toContain('status must be one of sending, retrying, sent, failed, suppressed for email');
    await request(notifier.url).get('/notifications/recent?channel=sms').expect(401);
    const body = await request(notifier.url).post('/sms/templates/preview').set(admin()).send({ body: 'Hi {{#open}}', locale: 'en' }).expect(400);
    expect(JSON.stringify(body.body)).toContain('body: ');
  });

  it('fits a phone: every tab of the page without sideways scrolling', async () => {
    await page.setViewportSize(PHONE);
    try {
      for (const tab of ['Rules', 'Templates', 'Messages']) {
        await m.open('notifications');
        await page.getByRole('tab', { name: tab }).click();
        await waitFor(async () => (await page.locator('.state-loading').count()) === 0, { timeoutMs: 15_000, message: `${tab} kept loading` });
        if (tab === 'Templates') await page.getByRole('button', { name: `Edit ${TEMPLATE} fa` }).click();
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        await screenshot(page, `phone-notifications-${tab.toLowerCase()}`);
        expect({ tab, overflow }).toEqual({ tab, overflow: 0 });
      }
    } finally {
      await page.setViewportSize(LAPTOP);
    }
  });
});
