import request from 'supertest';
import { HEADER, STREAM_DLQ } from '@app/events';
import { ADMIN_KEYS, NatsServerHarness, PHONES, TestDatabase, waitFor } from '@app/testing';
import { JsonGatewayStandIn } from './json-gateway-stand-in.js';
import { MeshProbe, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from './support.js';

const ADMIN = ADMIN_KEYS.smsRecipients;
const FA_ORDER = (id: number) => `سفارش #${id} شما ثبت شد و در حال پردازش است`;

describe('recipients from users: rules by user id, resolved through the directory kept from user.* events (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let sms: RunningSmsNotifier;
  let mesh: MeshProbe;
  const gateway = new JsonGatewayStandIn();

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_recipients');
    const url = await gateway.start();
    sms = await startSmsNotifier({
      events: { ...testEventsConfig(nats, db, ADMIN), backoffMs: [300, 300, 300, 300], maxDeliver: 5 },
      sms: {
        provider: 'http',
        ratePerHour: 0,
        http: { url, method: 'POST', contentType: 'application/json', bodyTemplate: '{"to":"{{to}}","text":"{{text}}"}', authHeader: 'Authorization', idempotencyHeader: 'Idempotency-Key', messageIdPath: 'id' },
      },
    });
    mesh = await MeshProbe.connect(nats);
    await waitFor(() => mesh.jsm.consumers.info('EVENTS', 'sms-notifier'), { message: 'durable sms-notifier never appeared' });
    await request(sms.url)
      .post('/sms/rules')
      .set('X-Api-Key', ADMIN)
      .send({ name: 'shipped-by-user', eventPattern: 'order.shipped', userPath: 'customer.userId', templateKey: 'order_confirmation', defaultLocale: 'en' })
      .expect(201);
  });

  afterAll(async () => {
    await mesh?.close();
    await sms?.close();
    await gateway.close();
    await nats?.close();
    await db?.drop();
  });

  const shipped = (orderId: number, userId: string) => mesh.publish('order.shipped', { orderId, customer: { userId } }, { resourceType: 'order', resourceId: String(orderId) });

  it('refuses a rule with neither a phone path nor a user path, naming phonePath and the userPath alternative', async () => {
    const res = await request(sms.url).post('/sms/rules').set('X-Api-Key', ADMIN).send({ name: 'nobody', eventPattern: 'order.shipped', templateKey: 'order_confirmation', defaultLocale: 'en' }).expect(400);
    expect(res.body).toMatchObject({ field: 'phonePath' });
    expect(JSON.stringify(res.body.message)).toMatch(/required when channel is sms and there is no userPath/);
  });

  it('sends to the number, in the locale, that user.created put in the directory (national number, fa)', async () => {
    const user = await mesh.publish('user.created', { userId: 'u-4', phone: '09121118004', email: 'Directory.User@shop-customers.example', locale: 'fa-IR', timeZone: 'Asia/Tehran' }, { resourceType: 'user', resourceId: 'u-4' });
    await mesh.settled();
    expect((await db.query('SELECT user_id, phone, email, locale, time_zone, sms_enabled FROM recipients WHERE user_id = $1', ['u-4'])).rows).toEqual([
      { user_id: 'u-4', phone: PHONES.directoryUser, email: 'directory.user@shop-customers.example', locale: 'fa-ir', time_zone: 'Asia/Tehran', sms_enabled: true },
    ]);
    expect(mesh.outcomesOf(user.id)).toEqual([]);

    const order = await shipped(9001, 'u-4');
    const sent = await mesh.waitOutcome(order.id, 'sms.sent');
    await mesh.settled();
    expect(gateway.to(PHONES.directoryUser).map((r) => r.body.text)).toEqual([FA_ORDER(9001)]);
    expect(sent.data).toMatchObject({ locale: 'fa', to: '+98912*****04', provider: 'http' });
    expect(sms.logger.lines.some((l) => l.includes(PHONES.directoryUser))).toBe(false);
  });

  it('follows user.updated (a turned-off channel suppresses), and ignores an older update that arrives late', async () => {
    const off = await mesh.publish('user.updated', { userId: 'u-4', notifications: { sms: false } });
    await mesh.settled();
    const order = await shipped(9002, 'u-4');
    expect((await mesh.waitOutcome(order.id, 'sms.suppressed')).data).toMatchObject({ reason: 'preference' });

    await mesh.publish('user.updated', { userId: 'u-4', notifications: { sms: true } }, { time: new Date(Date.parse(off.time) - 60_000).toISOString() });
    await mesh.settled();
    expect((await db.query('SELECT sms_enabled, phone FROM recipients WHERE user_id = $1', ['u-4'])).rows).toEqual([{ sms_enabled: false, phone: PHONES.directoryUser }]);
    expect(gateway.to(PHONES.directoryUser)).toHaveLength(1);
  });

  it('retries an event whose user the directory does not know yet, and sends once its user.created arrives', async () => {
    const order = await shipped(9003, 'u-late');
    await waitFor(() => sms.logger.lines.some((l) => l.includes('user u-late is not in the recipients directory')), { message: 'the unknown user was never retried' });
    await mesh.publish('user.created', { userId: 'u-late', phone: '+989121118005', locale: 'en' });
    await mesh.waitOutcome(order.id, 'sms.sent');
    await mesh.settled();
    expect(gateway.to(PHONES.quietHours).map((r) => r.body.text)).toEqual(['Your order #9003 has been placed and is being processed']);
  });

  it('dead-letters a user event it cannot read, naming the field and never the number', async () => {
    const bad = await mesh.publish('user.created', { userId: 'u-bad', phone: '0912', timeZone: 'Mars/Olympus' });
    await mesh.settled();
    const letter = await waitFor(async () => {
      const info = await mesh.jsm.streams.info(STREAM_DLQ);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const msg = await mesh.jsm.streams.getMessage(STREAM_DLQ, { seq }).catch(() => null);
        if (msg?.json<{ id: string }>().id === bad.id) return msg;
      }
      return undefined;
    });
    expect(letter!.header.get(HEADER.dlqReason)).toBe('non_retryable');
    const error = letter!.header.get(HEADER.error);
    expect(error).toContain('phone must be a phone number');
    expect(error).toContain('timeZone must be an IANA time zone');
    expect(error).not.toContain('0912');
    expect((await db.query('SELECT 1 FROM recipients WHERE user_id = $1', ['u-bad'])).rows).toEqual([]);
  });
});
