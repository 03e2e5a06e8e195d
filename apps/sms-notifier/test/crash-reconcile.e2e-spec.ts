import { ADMIN_KEYS, AppProcess, NatsServerHarness, TestDatabase, TWILIO, waitFor } from '@app/testing';
import { MeshProbe, twilioAppEnv } from './support.js';
import { TwilioStandIn } from './twilio-stand-in.js';

const EVENTS = 300;
const ACCOUNT = 'AC' + 'd4'.repeat(16);

/**
 * kill -9 while Twilio has taken SMS whose answers never came back (the crash window), then a
 * restart: the unrecorded claims are found in Twilio's Messages list, not sent again.
 */
describe('sms-notifier killed -9 mid-run with Twilio (real process, nats-server, PostgreSQL, Twilio stand-in)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let api: TwilioStandIn;
  let mesh: MeshProbe;
  let app: AppProcess | undefined;
  const env = () => twilioAppEnv({ natsUrl: nats.url, databaseUrl: db.url, adminKey: ADMIN_KEYS.smsCrash, account: ACCOUNT, authToken: TWILIO.crashToken, apiUrl: api.url });

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_crash');
    api = await TwilioStandIn.start(ACCOUNT);
    mesh = await MeshProbe.connect(nats);
  });

  afterAll(async () => {
    await app?.kill();
    await mesh?.close();
    await api?.close();
    await nats?.close();
    await db?.drop();
  });

  it(`sends exactly ${EVENTS} SMS for ${EVENTS} matching events, none twice, across a kill -9 with SMS taken and unrecorded`, async () => {
    app = await AppProcess.start('sms-notifier', { env: env() });
    const numbers = Array.from({ length: EVENTS }, (_, i) => `+98912${String(3_000_000 + i)}`);
    for (const [i, to] of numbers.entries()) {
      await mesh.publish('order.status_changed', { orderId: 7000 + i, newStatus: 'Started', phone: to, locale: 'en' }, { resourceType: 'order', resourceId: String(7000 + i) });
    }
    await waitFor(() => api.messages.length >= 50, { timeoutMs: 60_000, intervalMs: 5, message: 'the run did not get going' });
    // From here Twilio takes each SMS but its answer never arrives: kill -9 once some are taken.
    api.holdCreates = true;
    await waitFor(() => api.held >= 1, { timeoutMs: 30_000, intervalMs: 2, message: 'no SMS in flight' });
    await app.kill('SIGKILL');
    const held = api.held;
    api.holdCreates = false;

    app = await AppProcess.start('sms-notifier', { env: env() });
    await mesh.settled('sms-notifier', 'EVENTS', 120_000);
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM sms_messages WHERE status = 'sent'`)).rows[0].n === EVENTS, {
      timeoutMs: 60_000,
      message: 'not every SMS recorded as sent',
    });

    const perNumber = new Map<string, number>();
    for (const m of api.messages) perNumber.set(m.to as string, (perNumber.get(m.to as string) ?? 0) + 1);
    const twice = [...perNumber].filter(([, n]) => n > 1);
    console.log(`sms kill -9: sent ${api.messages.length}, distinct ${perNumber.size}, taken unanswered at the kill ${held}, duplicates ${twice.length}`);
    expect(twice).toEqual([]);
    expect(api.messages).toHaveLength(EVENTS);
    expect(held).toBeGreaterThanOrEqual(1);
    // Each held SMS was found in the list and recorded with the SID Twilio gave it.
    const rows = (await db.query(`SELECT recipient, provider_message_id FROM sms_messages WHERE status = 'sent'`)).rows as { recipient: string; provider_message_id: string }[];
    const sids = new Map(api.messages.map((m) => [m.to as string, m.sid as string]));
    expect(rows.every((r) => sids.get(r.recipient) === r.provider_message_id)).toBe(true);
    expect(api.requests.some((r) => r.method === 'GET')).toBe(true);
    expect(app.log).not.toMatch(/\+98912300\d{4}/);
  });
});
