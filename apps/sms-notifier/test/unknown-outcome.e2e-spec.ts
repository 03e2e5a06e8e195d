import request from 'supertest';
import { createEnvelope } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import type { UnknownOutcomeAction } from '../src/config/sms-env.js';
import { MeshProbe, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from './support.js';

const ADMIN = 'sms-unknown-admin-key';
const ORDER_RULE = '0193a000-0000-7000-8000-000000000001';

/**
 * The console provider keeps nothing it could be asked about: a claim a crash left unrecorded is
 * an unknown outcome, handled by SMS_UNKNOWN_OUTCOME and reported on /metrics, /health/events and
 * as sms.outcome_unknown.
 */
describe.each<[string, UnknownOutcomeAction | undefined, UnknownOutcomeAction]>([
  ['unset (default skip)', undefined, 'skip'],
  ['resend', 'resend', 'resend'],
])('sms-notifier with the console provider, SMS_UNKNOWN_OUTCOME %s (real nats-server and PostgreSQL)', (_label, configured, action) => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let sms: RunningSmsNotifier;
  let mesh: MeshProbe;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_unknown');
    sms = await startSmsNotifier({
      events: testEventsConfig(nats, db, ADMIN),
      sms: { provider: 'console', ratePerHour: 0, sendingLeaseMs: 1_000, ...(configured ? { unknownOutcome: configured } : {}) },
    });
    mesh = await MeshProbe.connect(nats);
    await waitFor(() => mesh.jsm.consumers.info('EVENTS', 'sms-notifier'), { message: 'durable sms-notifier never appeared' });
  });

  afterAll(async () => {
    await mesh?.close();
    await sms?.close();
    await nats?.close();
    await db?.drop();
  });

  it(`reports a claim left unrecorded by a crash as an unknown outcome (metric, health, event) and ${action === 'skip' ? 'sends nothing' : 'sends it once more'}`, async () => {
    const to = '+989121239876';
    const text = 'Your order #6001 has been placed and is being processed';
    const event = createEnvelope('order.status_changed', { orderId: 6001, newStatus: 'Started', phone: to, locale: 'en' }, 'shop', { resourceType: 'order', resourceId: '6001' });
    const id = crypto.randomUUID();
    await db.query(
      `INSERT INTO sms_messages (id, event_id, rule_id, recipient, status, event_type, template_key, locale, body, encoding, segments, attempts, claimed_at)
       VALUES ($1, $2, $3, $4, 'sending', 'order.status_changed', 'order_confirmation', 'en', $5, 'GSM-7', 1, 1, now() - interval '1 hour')`,
      [id, event.id, ORDER_RULE, to, text],
    );

    await mesh.publishEnvelope(event);
    const unknown = await mesh.waitOutcome(event.id, 'sms.outcome_unknown');
    if (action === 'resend') await mesh.waitOutcome(event.id, 'sms.sent');
    await mesh.settled();

    expect(unknown).toMatchObject({ level: 'warn', causationid: event.id, data: { smsId: id, to: '+98912*****76', action } });
    expect(JSON.stringify(unknown)).not.toContain(to);
    const [row] = (await db.query('SELECT * FROM sms_messages WHERE id = $1', [id])).rows;
    if (action === 'skip') {
      expect(row).toMatchObject({ status: 'suppressed', reason: 'outcome_unknown', attempts: 1 });
      expect(mesh.outcomesOf(event.id).map((e) => e.type)).toEqual(['sms.outcome_unknown']);
    } else {
      expect(row).toMatchObject({ status: 'sent', attempts: 2 });
      expect(mesh.outcomesOf(event.id).map((e) => e.type)).toEqual(['sms.outcome_unknown', 'sms.sent']);
    }
    const printed = sms.logger.lines.filter((l) => l.includes(`SMS to +98912*****76`));
    expect(printed).toHaveLength(action === 'skip' ? 0 : 1);

    const metrics = await request(sms.url).get('/metrics').expect(200);
    expect(metrics.text).toContain(`sms_unknown_outcomes_total{provider="console",action="${action}"} 1`);
    const health = await request(sms.url).get('/health/events').expect(200);
    expect(health.body.details.smsProvider).toMatchObject({
      status: 'up',
      provider: 'console',
      unknownOutcomes: { resent: action === 'resend' ? 1 : 0, skipped: action === 'skip' ? 1 : 0, last: expect.any(String) },
    });
    expect(sms.logger.lines.join('\n')).not.toContain(to);
  });
});
