import { jest } from '@jest/globals';
import request from 'supertest';
import { ADMIN_KEYS, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import type { CloudEvent } from '@app/events';
import type { Clock } from '../src/clock/clock.js';
import { HeldMessagesScheduler } from '../src/quiet/held-messages.scheduler.js';
import { NotificationSender } from '../src/sending/notification-sender.service.js';
import { JsonGatewayStandIn } from './json-gateway-stand-in.js';
import { MeshProbe, RecordingLogger, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from './support.js';

const ADMIN = ADMIN_KEYS.smsQuietHours;

/** Time as the test sets it, shared by both replicas (one clock, as one wall clock would be). */
class TestClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
}

/** More than one lease batch (50), so the two replicas' passes overlap on the table. */
const MESSAGES = 120;
/** Distinct Iranian mobiles (Asia/Tehran by their country); this suite checks its own logs for them. */
const phoneOf = (i: number): string => `+98912331${String(i).padStart(4, '0')}`;

describe('quiet hours with two replicas: each held message is sent exactly once (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let a: RunningSmsNotifier;
  let b: RunningSmsNotifier;
  let mesh: MeshProbe;
  const gateway = new JsonGatewayStandIn();
  // 23:00 in Tehran (UTC+03:30).
  const clock = new TestClock(Date.parse('2026-12-04T19:30:00Z'));
  const logger = new RecordingLogger();
  const orders: CloudEvent[] = [];

  const start = (gatewayUrl: string) =>
    startSmsNotifier(
      {
        events: testEventsConfig(nats, db, ADMIN),
        clock,
        sms: {
          provider: 'http',
          ratePerHour: 0,
          heldPollMs: 20,
          http: { url: gatewayUrl, method: 'POST', contentType: 'application/json', bodyTemplate: '{"to":"{{to}}","text":"{{text}}"}', authHeader: 'Authorization', idempotencyHeader: 'Idempotency-Key', messageIdPath: 'id' },
        },
      },
      undefined,
      logger,
    );

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_quiet_replicas');
    const gatewayUrl = await gateway.start();
    // One after the other: the first runs the migrations.
    a = await start(gatewayUrl);
    b = await start(gatewayUrl);
    mesh = await MeshProbe.connect(nats);
    await waitFor(() => mesh.jsm.consumers.info('EVENTS', 'sms-notifier'), { message: 'durable sms-notifier never appeared' });
    await request(a.url)
      .post('/sms/rules')
      .set('X-Api-Key', ADMIN)
      .send({ name: 'shipped-quiet', eventPattern: 'order.shipped', templateKey: 'order_confirmation', defaultLocale: 'en', phonePath: 'phone', quietHours: '22:00-08:00' })
      .expect(201);
    await request(a.url)
      .post('/sms/rules')
      .set('X-Api-Key', ADMIN)
      .send({ name: 'cancelled-now', eventPattern: 'order.cancelled', templateKey: 'order_confirmation', defaultLocale: 'en', phonePath: 'phone' })
      .expect(201);
  });

  afterAll(async () => {
    await mesh?.close();
    await a?.close();
    await b?.close();
    await gateway.close();
    await nats?.close();
    await db?.drop();
  });

  const heldCount = async () => Number((await db.query(`SELECT count(*) AS n FROM held_messages`)).rows[0].n);

  it('holds each message once and publishes one sms.held for it, though every event came twice to two replicas', async () => {
    for (let i = 0; i < MESSAGES; i++) orders.push(await mesh.publish('order.shipped', { orderId: 20_000 + i, phone: phoneOf(i) }, { resourceType: 'order', resourceId: String(20_000 + i) }));
    // A second copy of each event under another Nats-Msg-Id: the durable hands the copies to either replica.
    for (const order of orders) await mesh.publishEnvelope(order, `${order.id}-again`);
    await mesh.settled('sms-notifier', 'EVENTS', 60_000);
    await waitFor(() => orders.every((o) => mesh.outcomesOf(o.id, 'sms.held').length > 0), { timeoutMs: 20_000, message: 'not every order got its sms.held' });

    expect(await heldCount()).toBe(MESSAGES);
    expect(gateway.requests).toHaveLength(0);
    const first = mesh.outcomesOf(orders[0].id);
    expect(first).toEqual([
      expect.objectContaining({
        type: 'sms.held',
        level: 'info',
        audience: 'admin',
        category: 'Notification',
        resourcetype: 'order',
        resourceid: '20000',
        causationid: orders[0].id,
        data: expect.objectContaining({
          eventId: orders[0].id,
          eventType: 'order.shipped',
          templateKey: 'order_confirmation',
          locale: 'en',
          to: '+98912*****00',
          releaseAt: '2026-12-05T04:30:00.000Z',
          quietHours: '22:00-08:00',
          timeZone: 'Asia/Tehran',
        }),
      }),
    ]);
    const [row] = (await db.query(`SELECT id, rule_id FROM held_messages WHERE event_id = $1`, [orders[0].id])).rows as { id: string; rule_id: string }[];
    expect(first[0].data).toMatchObject({ heldId: row.id, ruleId: row.rule_id });
    expect(JSON.stringify(first[0])).not.toContain(phoneOf(0));
    // The event's outbox row commits with the hold: exactly one per held message, none for the copies.
    for (const order of orders) expect([order.id, mesh.outcomesOf(order.id).map((e) => e.type)]).toEqual([order.id, ['sms.held']]);
  });

  it('releases every held message exactly once when both replicas pass the window at the same time', async () => {
    const sendsA = jest.spyOn(a.app.get(NotificationSender), 'send');
    const sendsB = jest.spyOn(b.app.get(NotificationSender), 'send');

    // 08:00 in Tehran: both schedulers (every 20 ms) find every message due; two extra passes start at the same instant too.
    clock.set('2026-12-05T04:30:00Z');
    const passes = await Promise.all([a.app.get(HeldMessagesScheduler).releaseDue(), b.app.get(HeldMessagesScheduler).releaseDue()]);
    await waitFor(async () => (await heldCount()) === 0, { timeoutMs: 30_000, message: 'the held messages were never all released' });
    await waitFor(() => mesh.outcomes.items.filter((e) => e.type === 'sms.sent').length >= MESSAGES, { timeoutMs: 15_000, message: 'not every release published sms.sent' });

    // Each row was leased by one pass only: the pipeline was asked once per message, split between the replicas.
    expect(sendsA.mock.calls.length + sendsB.mock.calls.length).toBe(MESSAGES);
    expect(sendsA.mock.calls.length).toBeGreaterThan(0);
    expect(sendsB.mock.calls.length).toBeGreaterThan(0);
    expect(passes[0] + passes[1]).toBeLessThanOrEqual(MESSAGES);

    // Sent exactly once: one gateway request per number, one sent row each, one sms.sent per event.
    expect(gateway.requests).toHaveLength(MESSAGES);
    for (let i = 0; i < MESSAGES; i++) expect([phoneOf(i), gateway.to(phoneOf(i)).length]).toEqual([phoneOf(i), 1]);
    expect((await db.query(`SELECT status, attempts, count(*)::int AS n FROM sms_messages GROUP BY status, attempts`)).rows).toEqual([{ status: 'sent', attempts: 1, n: MESSAGES }]);
    const sent = mesh.outcomes.items.filter((e) => e.type === 'sms.sent');
    expect(new Set(sent.map((e) => e.causationid)).size).toBe(MESSAGES);
    expect(sent).toHaveLength(MESSAGES);
    for (const order of orders) expect([order.id, mesh.outcomesOf(order.id).map((e) => e.type)]).toEqual([order.id, ['sms.held', 'sms.sent']]);

    // Nothing more goes out on later passes.
    await Promise.all([a.app.get(HeldMessagesScheduler).releaseDue(), b.app.get(HeldMessagesScheduler).releaseDue()]);
    expect(gateway.requests).toHaveLength(MESSAGES);
  });

  it('judges an event stale by the injected clock, not the system clock', async () => {
    // Fresh by the wall clock (published now), two days old by the notifier's clock.
    clock.set(new Date(Date.now() + 48 * 3600_000).toISOString());
    const order = await mesh.publish('order.cancelled', { orderId: 20_999, phone: phoneOf(999) });
    const suppressed = await mesh.waitOutcome(order.id, 'sms.suppressed');
    expect(suppressed.data).toMatchObject({ reason: 'stale', to: '+98912*****99' });
    await mesh.settled();
    expect(gateway.to(phoneOf(999))).toHaveLength(0);
  });

  it('never logged a number in full', () => {
    const numbers = [...Array.from({ length: MESSAGES }, (_, i) => phoneOf(i)), phoneOf(999)];
    const leaks = logger.lines.filter((l) => numbers.some((n) => l.includes(n) || l.includes(n.slice(3))));
    expect(leaks).toEqual([]);
    expect(logger.lines.some((l) => l.includes('held until 2026-12-05T04:30:00.000Z'))).toBe(true);
  });
});
