import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { createEnvelope } from '@app/events';
import { ADMIN_KEYS, EMAILS, freePort, NatsServerHarness, SIGNING_SECRETS, TestDatabase, waitFor } from '@app/testing';
import { signUnsubscribe } from '../src/email/unsubscribe-token.js';
import { MeshProbe, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from './support.js';
import { header, mimePart, SmtpStandIn } from './smtp-stand-in.js';

const ADMIN = ADMIN_KEYS.emailChannel;
const SECRET = SIGNING_SECRETS.emailUnsubscribe;
const FROM = 'Shop <no-reply@shop.example>';

describe('sms-notifier email channel (real nats-server, PostgreSQL and an in-process SMTP server driven by nodemailer)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let smtp: SmtpStandIn;
  let backup: SmtpStandIn;
  let app: RunningSmsNotifier;
  let mesh: MeshProbe;
  let nextOrder = 8_000;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_notifier_email');
    smtp = await SmtpStandIn.start();
    backup = await SmtpStandIn.start();
    const port = await freePort();
    app = await startSmsNotifier(
      {
        events: testEventsConfig(nats, db, ADMIN),
        sms: { ratePerHour: 0, publicBaseUrl: `http://127.0.0.1:${port}`, providerTimeoutMs: 5_000, sendingLeaseMs: 6_000, email: { smtpUrl: `${smtp.url},${backup.url}`, from: FROM, unsubscribeSecret: SECRET } },
      },
      port,
    );
    mesh = await MeshProbe.connect(nats);
    await waitFor(() => mesh.jsm.consumers.info('EVENTS', 'sms-notifier'), { message: 'durable sms-notifier never appeared' });

    const admin = { 'X-Api-Key': ADMIN };
    await request(app.url).put('/sms/templates/order_mail/fa').set(admin)
      .send({ body: 'سفارش #{{orderId}} ثبت شد\n\n{{customer.name}} عزیز، از خرید شما <سپاسگزاریم>.', sampleData: { orderId: 1, customer: { name: 'سارا' } } }).expect(201);
    await request(app.url).put('/sms/templates/order_mail/en').set(admin)
      .send({ body: 'Order #{{orderId}} placed\n\nThank you, {{customer.name}}.', sampleData: { orderId: 1, customer: { name: 'John' } } }).expect(201);
    await request(app.url).post('/sms/rules').set(admin)
      .send({ name: 'order-mail', channel: 'email', eventPattern: 'order.status_changed', condition: 'newStatus == "Started"', emailPath: 'customer.email', templateKey: 'order_mail', localePath: 'locale', defaultLocale: 'fa' })
      .expect(201);
  });

  afterAll(async () => {
    await mesh?.close();
    await app?.close();
    await smtp?.close();
    await backup?.close();
    await nats?.close();
    await db?.drop();
  });

  const orderStarted = (email: string, locale: string) => {
    const orderId = nextOrder++;
    return mesh.publish('order.status_changed', { orderId, newStatus: 'Started', locale, customer: { email, name: locale === 'fa' ? 'سارا' : 'John' } }, { resourceType: 'order', resourceId: String(orderId) });
  };
  const rows = async (eventId: string) => (await db.query('SELECT * FROM email_messages WHERE event_id = $1', [eventId])).rows as Array<Record<string, unknown>>;

  it('refuses an email rule without an address path, naming the field', async () => {
    const res = await request(app.url).post('/sms/rules').set({ 'X-Api-Key': ADMIN })
      .send({ name: 'no-path', channel: 'email', eventPattern: 'order.*', templateKey: 'order_mail', defaultLocale: 'fa' }).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(/emailPath must be a dotted path/);
  });

  it('sends one right-to-left Persian email per event, even when the event arrives twice, with a List-Unsubscribe header', async () => {
    const address = EMAILS.faCustomer;
    const event = await orderStarted('  Sara.Ahmadi@Shop-Customers.example ', 'fa');
    await mesh.publishEnvelope(event, `${event.id}-again`);
    const sent = await mesh.waitOutcome(event.id, 'email.sent');
    await mesh.settled();

    expect(smtp.to(address)).toHaveLength(1);
    const mail = smtp.to(address)[0];
    expect(mail.from).toBe('no-reply@shop.example');
    const html = mimePart(mail.raw, 'text/html')!;
    expect(html).toContain('<html lang="fa" dir="rtl">');
    expect(html).toContain(`سفارش #${event.data.orderId} ثبت شد`);
    expect(html).toContain('از خرید شما &lt;سپاسگزاریم&gt;');
    expect(mimePart(mail.raw, 'text/plain')).toContain(`سارا عزیز، از خرید شما <سپاسگزاریم>.`);
    expect(header(mail.raw, 'List-Unsubscribe')).toBe(`<${app.url}/email/unsubscribe?token=${signUnsubscribe(address, SECRET)}>`);
    expect(header(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    expect(mesh.outcomesOf(event.id, 'email.sent')).toHaveLength(1);
    expect(sent.data).toMatchObject({ to: 's***@shop-customers.example', provider: `smtp:127.0.0.1:${smtp.port}`, locale: 'fa', templateKey: 'order_mail' });
    expect(sent).toMatchObject({ audience: 'admin', resourcetype: 'order', causationid: event.id });
    expect(await rows(event.id)).toEqual([expect.objectContaining({ status: 'sent', recipient: address, attempts: 1 })]);
    expect(app.logger.lines.some((l) => l.includes('s***@shop-customers.example'))).toBe(true);
    expect(app.logger.lines.filter((l) => l.toLowerCase().includes(address))).toEqual([]);
  });

  it('sends an email rule by user id to the address and in the locale user.created put in the directory', async () => {
    await request(app.url).post('/sms/rules').set({ 'X-Api-Key': ADMIN })
      .send({ name: 'shipped-mail-by-user', channel: 'email', eventPattern: 'order.shipped', userPath: 'userId', templateKey: 'order_mail', defaultLocale: 'en' })
      .expect(201);
    await mesh.publish('user.created', { userId: 'mail-user-1', email: EMAILS.directoryUser.toUpperCase(), locale: 'fa' });
    const event = await mesh.publish('order.shipped', { orderId: 8801, userId: 'mail-user-1', customer: { name: 'سارا' } });
    const sent = await mesh.waitOutcome(event.id, 'email.sent');
    await mesh.settled();
    const mails = smtp.to(EMAILS.directoryUser);
    expect(mails).toHaveLength(1);
    expect(header(mails[0].raw, 'Subject')).toBe(`=?UTF-8?B?${Buffer.from('سفارش #8801 ثبت شد').toString('base64')}?=`);
    expect(mimePart(mails[0].raw, 'text/html')).toContain('dir="rtl"');
    expect(sent.data).toMatchObject({ to: 'd***@shop-customers.example', locale: 'fa' });
  });

  it('writes English left to right', async () => {
    const event = await orderStarted(EMAILS.enCustomer, 'en-US');
    await mesh.waitOutcome(event.id, 'email.sent');
    const mail = smtp.to(EMAILS.enCustomer)[0];
    expect(header(mail.raw, 'Subject')).toBe(`Order #${event.data.orderId} placed`);
    expect(mimePart(mail.raw, 'text/html')).toContain('<html lang="en" dir="ltr">');
  });

  it('honours the unsubscribe link: one click opts the address out, later events send nothing, a forged link is refused', async () => {
    const address = EMAILS.faCustomer;
    const link = header(smtp.to(address)[0].raw, 'List-Unsubscribe')!.slice(1, -1);
    const path = link.slice(app.url.length);

    const page = await request(app.url).get(path).expect(200);
    expect(page.text).toContain('method="post"');
    const forged = `/email/unsubscribe?token=${signUnsubscribe(address, 'not-the-notifier-secret')}`;
    const refused = await request(app.url).post(forged).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(400);
    expect(refused.body).toMatchObject({ field: 'token' });

    await request(app.url).post(path).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(200);
    await request(app.url).post(path).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(200);
    expect((await db.query('SELECT email FROM email_unsubscribes')).rows).toEqual([{ email: address }]);
    await waitFor(() => mesh.outcomes.items.find((e) => e.type === 'email.unsubscribed'), { message: 'no email.unsubscribed' });
    expect(mesh.outcomes.items.filter((e) => e.type === 'email.unsubscribed').map((e) => e.data)).toEqual([{ to: 's***@shop-customers.example' }]);

    const event = await orderStarted(address, 'fa');
    const suppressed = await mesh.waitOutcome(event.id, 'email.suppressed');
    expect(suppressed.data).toMatchObject({ reason: 'unsubscribed' });
    expect(smtp.to(address)).toHaveLength(1);
  });

  it('falls back to the next server when the first answers 451, with one message in total, and records which server sent', async () => {
    smtp.answerNext(451, '4.3.0 try again later');
    const event = await orderStarted(EMAILS.fallback, 'en');
    const sent = await mesh.waitOutcome(event.id, 'email.sent');
    expect(sent.data).toMatchObject({ provider: `smtp:127.0.0.1:${backup.port}` });
    expect(smtp.to(EMAILS.fallback)).toHaveLength(0);
    expect(backup.to(EMAILS.fallback)).toHaveLength(1);
    expect(await rows(event.id)).toEqual([expect.objectContaining({ status: 'sent', provider: `smtp:127.0.0.1:${backup.port}`, attempts: 1 })]);
    const listed = await request(app.url).get('/email/messages').query({ email: EMAILS.fallback.toUpperCase() }).set({ 'X-Api-Key': ADMIN }).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ eventId: event.id, recipient: EMAILS.fallback, status: 'sent', provider: `smtp:127.0.0.1:${backup.port}` })]);
    const bad = await request(app.url).get('/email/messages').query({ email: 'nope' }).set({ 'X-Api-Key': ADMIN }).expect(400);
    expect(bad.body).toMatchObject({ field: 'email' });
    await request(app.url).get('/email/messages').expect(401);
  });

  it('retries when every server answers 451 and sends once; a 550 ends the email as failed with the address masked', async () => {
    smtp.answerNext(451, '4.3.0 try again later');
    backup.answerNext(451, '4.3.0 try again later');
    const retried = await orderStarted(EMAILS.retried, 'en');
    await mesh.waitOutcome(retried.id, 'email.sent', 30_000);
    expect(smtp.to(EMAILS.retried).length + backup.to(EMAILS.retried).length).toBe(1);
    expect(await rows(retried.id)).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);

    smtp.answerNext(550, `5.1.1 <${EMAILS.refused}>: mailbox unavailable`);
    const refused = await orderStarted(EMAILS.refused, 'en');
    const failed = await mesh.waitOutcome(refused.id, 'email.failed');
    expect(failed.data).toMatchObject({ reason: 'rejected', to: 'r***@shop-customers.example' });
    expect(String((failed.data as { providerError: string }).providerError)).toContain('r***@shop-customers.example');
    expect(JSON.stringify(failed)).not.toContain(EMAILS.refused);
    expect(smtp.to(EMAILS.refused)).toHaveLength(0);
    expect(backup.to(EMAILS.refused)).toHaveLength(0);
  });

  it('skips a claim a crash left unrecorded (SMTP cannot say whether it took it): email.suppressed outcome_unknown, nothing sent', async () => {
    const rules = (await request(app.url).get('/sms/rules').set({ 'X-Api-Key': ADMIN }).expect(200)).body as Array<{ id: string; name: string }>;
    const ruleId = rules.find((r) => r.name === 'order-mail')!.id;
    const event = createEnvelope('order.status_changed', { orderId: 7_777, newStatus: 'Started', locale: 'en', customer: { email: EMAILS.crashed, name: 'John' } }, 'shop');
    await db.query(
      `INSERT INTO email_messages (id, event_id, rule_id, recipient, status, event_type, template_key, locale, subject, body, attempts, claimed_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'sending', 'order.status_changed', 'order_mail', 'en', 'Order #7777 placed', 'Order #7777 placed', 1, now() - interval '1 minute', now(), now())`,
      [randomUUID(), event.id, ruleId, EMAILS.crashed],
    );
    await mesh.publishEnvelope(event);
    const skipped = await mesh.waitOutcome(event.id, 'email.suppressed');
    expect(skipped.data).toMatchObject({ reason: 'outcome_unknown', action: 'skip', to: 'c***@shop-customers.example' });
    expect(await rows(event.id)).toEqual([expect.objectContaining({ status: 'suppressed', reason: 'outcome_unknown' })]);
    expect(smtp.to(EMAILS.crashed).length + backup.to(EMAILS.crashed).length).toBe(0);
  });

  it('records an event without an address once as failed (invalid_address)', async () => {
    const event = await mesh.publish('order.status_changed', { orderId: 9_999, newStatus: 'Started', customer: { email: 'not-an-address' } });
    await mesh.publishEnvelope(event, `${event.id}-again`);
    const failed = await mesh.waitOutcome(event.id, 'email.failed');
    expect(failed.data).toMatchObject({ reason: 'invalid_address' });
    await mesh.settled();
    expect(mesh.outcomesOf(event.id, 'email.failed')).toHaveLength(1);
  });
});
