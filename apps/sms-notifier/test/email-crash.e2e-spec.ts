import request from 'supertest';
import { ADMIN_KEYS, AppProcess, freePort, NatsServerHarness, SIGNING_SECRETS, TestDatabase, waitFor } from '@app/testing';
import type { UnknownOutcomeAction } from '../src/config/sms-env.js';
import { MeshProbe } from './support.js';
import { header, SmtpStandIn } from './smtp-stand-in.js';

const EVENTS = 200;
const ADMIN = ADMIN_KEYS.smsCrash;
const FROM = 'Shop <no-reply@shop.example>';
/** Taken normally before the stand-in starts holding its answers. */
const ANSWERED = 50;

interface Row {
  id: string;
  recipient: string;
  status: string;
  reason: string | null;
  attempts: number;
}

/**
 * kill -9 while the SMTP server has taken emails whose "250 OK" never came back, then a restart.
 * SMTP cannot be asked afterwards whether it took a message, so each claim the kill left `sending`
 * is an unknown outcome settled by SMS_UNKNOWN_OUTCOME (README, "Email channel", "After a crash"):
 * `skip` never sends an email twice, but records those claims `suppressed` (`outcome_unknown`)
 * whether or not the server had them; `resend` sends each of them once more with the same Message-ID.
 * Every other (event, rule, recipient) gets exactly one email.
 */
describe.each<UnknownOutcomeAction>(['skip', 'resend'])('sms-notifier email channel killed -9 mid-run, SMS_UNKNOWN_OUTCOME=%s (real process, nats-server, PostgreSQL, SMTP server)', (action) => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let smtp: SmtpStandIn;
  let mesh: MeshProbe;
  let app: AppProcess | undefined;
  let port: number;
  const env = () => ({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    ADMIN_API_KEY: ADMIN,
    PORT: String(port),
    CONSUMER_ACK_WAIT: '3s',
    CONSUMER_BACKOFF: '200ms,500ms,1s',
    SMS_PROVIDER: 'console',
    // The sending lease is this + 5 s: how long a claim the kill left behind waits before it is settled.
    // Long enough that no held send times out before the kill on a busy machine (that would make it a retry, not a crash claim).
    SMS_PROVIDER_TIMEOUT: '5s',
    SMS_RATE_LIMIT_PER_HOUR: '0',
    SMS_UNKNOWN_OUTCOME: action,
    SMS_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    EMAIL_SMTP_URL: smtp.url,
    EMAIL_FROM: FROM,
    EMAIL_UNSUBSCRIBE_SECRET: SIGNING_SECRETS.emailUnsubscribe,
  });
  const address = (i: number) => `crash.customer.${i}@shop-customers.example`;
  const messageId = (rowId: string) => `<${rowId}@shop.example>`;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create(`email_crash_${action}`);
    smtp = await SmtpStandIn.start();
    mesh = await MeshProbe.connect(nats);
    port = await freePort();
  });

  afterAll(async () => {
    await app?.kill();
    await mesh?.close();
    await smtp?.close();
    await nats?.close();
    await db?.drop();
  });

  it(`${EVENTS} emails: only the claims in flight at the kill are settled as unknown; nobody else gets 0 or 2`, async () => {
    app = await AppProcess.start('sms-notifier', { env: env() });
    const admin = { 'X-Api-Key': ADMIN };
    await request(app.url).put('/sms/templates/order_mail/en').set(admin)
      .send({ body: 'Order #{{orderId}} placed\n\nThank you.', sampleData: { orderId: 1 } }).expect(201);
    await request(app.url).post('/sms/rules').set(admin)
      .send({ name: 'order-mail', channel: 'email', eventPattern: 'order.status_changed', condition: 'newStatus == "Started"', emailPath: 'customer.email', templateKey: 'order_mail', defaultLocale: 'en' })
      .expect(201);

    smtp.holdRepliesAfter = ANSWERED;
    for (let i = 0; i < EVENTS; i++) {
      await mesh.publish('order.status_changed', { orderId: 9000 + i, newStatus: 'Started', customer: { email: address(i) } }, { resourceType: 'order', resourceId: String(9000 + i) });
    }
    await waitFor(() => smtp.held >= 1, { timeoutMs: 30_000, intervalMs: 2, message: 'no email taken and unanswered' });
    await app.kill('SIGKILL');
    // The server may still be reading what the client wrote before it died: a message whose DATA
    // arrived whole is taken (and unanswered) even after the kill.
    await waitFor(() => smtp.openConnections === 0, { timeoutMs: 10_000, message: 'the killed client\'s SMTP connections did not close' });
    const held = smtp.held;
    const takenBeforeRestart = new Set(smtp.received.map((m) => header(m.raw, 'Message-ID')!));
    smtp.holdRepliesAfter = Infinity;
    // What the kill left unrecorded: claims still `sending`. Some of them the server has (answered
    // 250 before the kill but not yet recorded, or taken and held unanswered), some it never got.
    const inFlight = (await db.query<Row>(`SELECT id, recipient FROM email_messages WHERE status = 'sending'`)).rows;
    expect(held).toBeGreaterThanOrEqual(1);
    expect(inFlight.length).toBeGreaterThanOrEqual(held);
    // At most one claim per event in the handlers at once (CONSUMER_CONCURRENCY, 64 by default; one email rule).
    expect(inFlight.length).toBeLessThanOrEqual(64);

    app = await AppProcess.start('sms-notifier', { env: env() });
    const allRows = async () => (await db.query<Row>(`SELECT id, recipient, status, reason, attempts FROM email_messages`)).rows;
    await waitFor(
      async () => {
        const all = await allRows();
        return all.length === EVENTS && all.every((r) => r.status === 'sent' || r.status === 'suppressed');
      },
      { timeoutMs: 40_000, message: 'not every email recorded as sent or suppressed' },
    );
    await mesh.settled('sms-notifier', 'EVENTS', 20_000);
    const rows = await allRows();

    const mailsTo = new Map<string, string[]>();
    for (const m of smtp.received) for (const to of m.to) mailsTo.set(to, [...(mailsTo.get(to) ?? []), header(m.raw, 'Message-ID')!]);
    const inFlightIds = new Set(inFlight.map((r) => r.id));
    const unknown = rows.filter((r) => inFlightIds.has(r.id));
    const others = rows.filter((r) => !inFlightIds.has(r.id));
    // Everyone else: one row sent, exactly one email carrying the row's Message-ID (a busy machine may
    // have retried one whose server did not answer before MAIL FROM; that is still one email).
    expect(others.filter((r) => r.status !== 'sent')).toEqual([]);
    for (const r of others) expect(mailsTo.get(r.recipient)).toEqual([messageId(r.id)]);

    // By id: the probe reads the subject, so an outbox row published again (JetStream dedupes it) shows twice.
    const unknownEventIds = () => [
      ...new Set(mesh.outcomes.items.filter((e) => e.type === 'email.suppressed' && (e.data as { reason?: string }).reason === 'outcome_unknown').map((e) => e.id)),
    ];
    // The outcome events leave through the outbox after the rows commit: wait for the relay, not only the rows.
    const expectedUnknown = action === 'skip' ? unknown.length : 0;
    await waitFor(() => unknownEventIds().length >= expectedUnknown, { timeoutMs: 20_000, message: `fewer than ${expectedUnknown} email.suppressed (outcome_unknown) events published` });
    const unknownEvents = unknownEventIds();
    const hadIt = unknown.filter((r) => takenBeforeRestart.has(messageId(r.id)));
    if (action === 'skip') {
      // Never twice: each unrecorded claim ends suppressed (outcome_unknown), one email if the server had it, none if not.
      expect(unknown.map((r) => [r.status, r.reason])).toEqual(unknown.map(() => ['suppressed', 'outcome_unknown']));
      for (const r of unknown) expect(mailsTo.get(r.recipient) ?? []).toEqual(takenBeforeRestart.has(messageId(r.id)) ? [messageId(r.id)] : []);
      expect(unknownEvents).toHaveLength(unknown.length);
    } else {
      // Nobody left out: each unrecorded claim is sent once more under the same Message-ID (twice in all if the server had it).
      expect(unknown.map((r) => [r.status, r.attempts])).toEqual(unknown.map(() => ['sent', 2]));
      for (const r of unknown) {
        const id = messageId(r.id);
        expect(mailsTo.get(r.recipient)).toEqual(takenBeforeRestart.has(id) ? [id, id] : [id]);
      }
      expect(unknownEvents).toHaveLength(0);
    }
    const duplicates = [...mailsTo.values()].filter((ids) => ids.length > 1).length;
    const missing = EVENTS - mailsTo.size;
    console.log(
      `email kill -9 (${action}): claims unrecorded at the kill ${inFlight.length} (the server had ${hadIt.length}, ${held} of them unanswered); ` +
        `emails ${smtp.received.length} to ${mailsTo.size} addresses; duplicates ${duplicates}, without an email ${missing}`,
    );
    expect(duplicates).toBe(action === 'skip' ? 0 : hadIt.length);
    expect(missing).toBe(action === 'skip' ? unknown.length - hadIt.length : 0);
    // Logs show addresses masked only.
    expect(app.log).not.toMatch(/crash\.customer\.\d+@/);
  });
});
