import request from 'supertest';
import { ADMIN_KEYS, EMAILS, freePort, NatsServerHarness, PHONES, SIGNING_SECRETS, TestDatabase, waitFor } from '@app/testing';
import type { Clock } from '../src/clock/clock.js';
import { HeldMessagesScheduler } from '../src/quiet/held-messages.scheduler.js';
import { JsonGatewayStandIn } from './json-gateway-stand-in.js';
import { SmtpStandIn } from './smtp-stand-in.js';
import { MeshProbe, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from './support.js';

const ADMIN = ADMIN_KEYS.smsQuietHours;

/** Time as the test sets it: the notifier reads quiet hours, releases and leases from it. */
class TestClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
}

describe('quiet hours: held in the recipient\'s zone until the window ends, durable across a restart (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let sms: RunningSmsNotifier;
  let mesh: MeshProbe;
  let gatewayUrl: string;
  let smtp: SmtpStandIn;
  let port: number;
  const gateway = new JsonGatewayStandIn();
  // 23:00 in Tehran (UTC+03:30).
  const clock = new TestClock(Date.parse('2026-12-04T19:30:00Z'));

  const start = () =>
    startSmsNotifier({
      events: testEventsConfig(nats, db, ADMIN),
      clock,
      sms: {
        provider: 'http',
        ratePerHour: 0,
        heldPollMs: 100,
        publicBaseUrl: `http://127.0.0.1:${port}`,
        email: { smtpUrl: smtp.url, from: 'Shop <no-reply@shop.example>', unsubscribeSecret: SIGNING_SECRETS.emailUnsubscribe },
        http: { url: gatewayUrl, method: 'POST', contentType: 'application/json', bodyTemplate: '{"to":"{{to}}","text":"{{text}}"}', authHeader: 'Authorization', idempotencyHeader: 'Idempotency-Key', messageIdPath: 'id' },
      },
    }, port);

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_quiet_hours');
    gatewayUrl = await gateway.start();
    smtp = await SmtpStandIn.start();
    port = await freePort();
    sms = await start();
    mesh = await MeshProbe.connect(nats);
    await waitFor(() => mesh.jsm.consumers.info('EVENTS', 'sms-notifier'), { message: 'durable sms-notifier never appeared' });
    const rule = (body: Record<string, unknown>) => request(sms.url).post('/sms/rules').set('X-Api-Key', ADMIN).send({ templateKey: 'order_confirmation', defaultLocale: 'en', phonePath: 'phone', quietHours: '22:00-08:00', ...body });
    // No zone on the rules: the zone comes from the number's country (+98: Asia/Tehran).
    await rule({ name: 'shipped-quiet', eventPattern: 'order.shipped' }).expect(201);
    await rule({ name: 'cancelled-urgent', eventPattern: 'order.cancelled', urgent: true }).expect(201);
    // An address tells no zone: the rule's applies.
    await rule({ name: 'mailed-quiet', eventPattern: 'order.mailed', channel: 'email', phonePath: undefined, emailPath: 'email', timeZone: 'Europe/London' }).expect(201);
  });

  afterAll(async () => {
    await mesh?.close();
    await sms?.close();
    await gateway.close();
    await smtp?.close();
    await nats?.close();
    await db?.drop();
  });

  const held = async () => (await db.query(`SELECT event_id, recipient, release_at, lease_until FROM held_messages ORDER BY created_at`)).rows as { event_id: string; release_at: Date }[];
  const releasePass = () => sms.app.get(HeldMessagesScheduler).releaseDue();

  it('refuses a quiet window or zone it cannot read, naming the field', async () => {
    const bad = await request(sms.url).post('/sms/rules').set('X-Api-Key', ADMIN).send({ name: 'bad', eventPattern: 'order.x', phonePath: 'phone', templateKey: 'order_confirmation', defaultLocale: 'en', quietHours: '22-8', timeZone: 'Mars/Olympus' }).expect(400);
    expect(bad.body.message).toEqual(expect.arrayContaining(['quietHours must be a local time window HH:MM-HH:MM, e.g. 22:00-08:00', 'timeZone must be an IANA time zone such as Asia/Tehran or Europe/London']));
  });

  it('holds a message at 23:00 recipient time until 08:00, loses and doubles nothing over a restart, and sends it once; urgent rules go at once', async () => {
    const order = await mesh.publish('order.shipped', { orderId: 9101, phone: PHONES.quietHours }, { resourceType: 'order', resourceId: '9101' });
    await mesh.publishEnvelope(order, `${order.id}-again`); // a second copy of the event holds nothing more
    const urgent = await mesh.publish('order.cancelled', { orderId: 9102, phone: PHONES.quietUrgent });
    await mesh.waitOutcome(urgent.id, 'sms.sent');
    await mesh.settled();

    expect(gateway.to(PHONES.quietUrgent)).toHaveLength(1);
    expect(gateway.to(PHONES.quietHours)).toHaveLength(0);
    // The hold is an event of its own (one, though the event came twice), committed with the held row.
    await mesh.waitOutcome(order.id, 'sms.held');
    const holds = mesh.outcomesOf(order.id);
    expect(holds).toEqual([expect.objectContaining({ type: 'sms.held', level: 'info', audience: 'admin', resourcetype: 'order', resourceid: '9101' })]);
    expect(holds[0].data).toMatchObject({ eventType: 'order.shipped', to: '+98912*****05', releaseAt: '2026-12-05T04:30:00.000Z', quietHours: '22:00-08:00', timeZone: 'Asia/Tehran' });
    expect(JSON.stringify(holds[0])).not.toContain(PHONES.quietHours);
    expect(await held()).toEqual([expect.objectContaining({ event_id: order.id, recipient: PHONES.quietHours, release_at: new Date('2026-12-05T04:30:00Z') })]);
    expect(sms.logger.lines.some((l) => l.includes(`held until 2026-12-05T04:30:00.000Z (quiet hours 22:00-08:00 in Asia/Tehran)`) && l.includes('+98912*****05'))).toBe(true);

    const listed = await request(sms.url).get('/sms/held').set('X-Api-Key', ADMIN).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ channel: 'sms', eventId: order.id, eventType: 'order.shipped', to: '+98912*****05', releaseAt: '2026-12-05T04:30:00.000Z', leased: false })]);
    expect(JSON.stringify(listed.body)).not.toContain(PHONES.quietHours);

    // 03:00 in Tehran: still quiet.
    clock.set('2026-12-04T23:30:00Z');
    expect(await releasePass()).toBe(0);

    // A real restart: the app closes, a new one starts on the same database and stream.
    await sms.close();
    sms = await start();
    expect(await held()).toHaveLength(1);
    expect(await releasePass()).toBe(0);

    // 08:00 in Tehran: the window is over.
    clock.set('2026-12-05T04:30:00Z');
    const sent = await mesh.waitOutcome(order.id, 'sms.sent');
    await waitFor(async () => (await held()).length === 0, { message: 'the held message was never released' });
    expect(sent.data).toMatchObject({ to: '+98912*****05', provider: 'http' });
    expect(gateway.to(PHONES.quietHours).map((r) => r.body.text)).toEqual(['Your order #9101 has been placed and is being processed']);
    expect((await db.query('SELECT status, attempts FROM sms_messages WHERE event_id = $1', [order.id])).rows).toEqual([{ status: 'sent', attempts: 1 }]);
  });

  it('sends nothing twice when a release is repeated (a crash after sending, before the held row was deleted)', async () => {
    const [message] = (await db.query(`SELECT event_id, rule_id, recipient FROM sms_messages WHERE recipient = $1`, [PHONES.quietHours])).rows as { event_id: string; rule_id: string; recipient: string }[];
    await db.query(
      `INSERT INTO held_messages (id, channel, event_id, rule_id, recipient, request, release_at)
       VALUES (gen_random_uuid(), 'sms', $1, $2, $3, $4, '2026-12-05T04:30:00Z')`,
      [message.event_id, message.rule_id, message.recipient, JSON.stringify({ eventId: message.event_id, eventType: 'order.shipped', ruleId: message.rule_id, templateKey: 'order_confirmation', recipient: message.recipient, locale: 'en', text: 'Your order #9101 has been placed and is being processed', encoding: 'GSM-7', segments: 1 })],
    );
    await waitFor(async () => (await held()).length === 0, { message: 'the repeated release never settled' });
    expect(gateway.to(PHONES.quietHours)).toHaveLength(1);
  });

  it('holds an email inside the rule\'s zone\'s quiet hours as email.held (address masked), and sends it once when they end', async () => {
    // 23:00 in London; earlier than the events' own time, which the age limit reads by this clock too.
    clock.set('2026-12-03T23:00:00Z');
    const order = await mesh.publish('order.mailed', { orderId: 9103, email: EMAILS.quietHours }, { resourceType: 'order', resourceId: '9103' });
    const heldEvent = await mesh.waitOutcome(order.id, 'email.held');
    expect(heldEvent).toMatchObject({ level: 'info', audience: 'admin', category: 'Notification', causationid: order.id, resourceid: '9103' });
    expect(heldEvent.data).toMatchObject({ eventType: 'order.mailed', to: 'q***@shop-customers.example', releaseAt: '2026-12-04T08:00:00.000Z', quietHours: '22:00-08:00', timeZone: 'Europe/London' });
    expect(JSON.stringify(heldEvent)).not.toContain(EMAILS.quietHours);
    await mesh.settled();
    expect(smtp.to(EMAILS.quietHours)).toHaveLength(0);

    clock.set('2026-12-04T08:00:00Z');
    await mesh.waitOutcome(order.id, 'email.sent');
    await waitFor(async () => (await held()).length === 0, { message: 'the held email was never released' });
    expect(smtp.to(EMAILS.quietHours)).toHaveLength(1);
    expect(mesh.outcomesOf(order.id).map((e) => e.type)).toEqual(['email.held', 'email.sent']);
  });
});
