import { ADMIN_KEYS, AppProcess, NatsServerHarness, TestDatabase, TWILIO, waitFor } from '@app/testing';
import { MeshProbe, twilioAppEnv } from '../../apps/sms-notifier/test/support.js';
import { TwilioStandIn } from '../../apps/sms-notifier/test/twilio-stand-in.js';
import { countKeys, tallyEffects } from './support/fault-tally.js';
import { SIGTERM_EXIT_LIMIT_MS, sigtermTimed } from './support/sigterm.js';

const EVENTS = 300;
const ACCOUNT = 'AC' + 'e5'.repeat(16);

/**
 * Fault: sms-notifier stopped by SIGTERM while SMS are in flight at the provider (the Twilio
 * stand-in answers each after a round trip), then started again. It must exit in under 30 s and
 * every matching event must reach the provider exactly once: no SMS lost, nobody texted twice.
 */
describe('fault: sms-notifier SIGTERM under load (real process, nats-server, PostgreSQL, Twilio stand-in)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let api: TwilioStandIn;
  let mesh: MeshProbe;
  let app: AppProcess | undefined;
  const env = () => twilioAppEnv({ natsUrl: nats.url, databaseUrl: db.url, adminKey: ADMIN_KEYS.smsStop, account: ACCOUNT, authToken: TWILIO.stopToken, apiUrl: api.url });

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('fault_sms_stop');
    api = await TwilioStandIn.start(ACCOUNT);
    api.answerDelayMs = 40;
    mesh = await MeshProbe.connect(nats);
  });

  afterAll(async () => {
    await app?.kill();
    await mesh?.close();
    await api?.close();
    await nats?.close();
    await db?.drop();
  });

  it(`SIGTERM mid-stream of ${EVENTS} matching events: exits in under 30 s, and after a restart each recipient got exactly one SMS`, async () => {
    app = await AppProcess.start('sms-notifier', { env: env() });
    const numbers = Array.from({ length: EVENTS }, (_, i) => `+98912${String(4_000_000 + i)}`);
    for (const [i, to] of numbers.entries()) {
      await mesh.publish('order.status_changed', { orderId: 9000 + i, newStatus: 'Started', phone: to, locale: 'en' }, { resourceType: 'order', resourceId: String(9000 + i) });
    }
    await waitFor(() => api.messages.length >= 30, { timeoutMs: 60_000, intervalMs: 5, message: 'the run did not get going' });
    const atStop = api.messages.length;
    const { exitMs, exit } = await sigtermTimed(app);
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(exitMs).toBeLessThan(SIGTERM_EXIT_LIMIT_MS);
    // Mid-stream for real: some were sent before the stop, and some were left for the next instance.
    expect(atStop).toBeLessThan(EVENTS);
    const beforeRestart = api.messages.length;

    app = await AppProcess.start('sms-notifier', { env: env() });
    await mesh.settled('sms-notifier', 'EVENTS', 120_000);
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM sms_messages WHERE status = 'sent'`)).rows[0].n === EVENTS, {
      timeoutMs: 60_000,
      message: 'not every SMS recorded as sent',
    });

    const tally = tallyEffects(
      'sms-notifier SIGTERM under load',
      numbers,
      countKeys(api.messages.map((m) => m.to as string)),
      `(at the provider: ${beforeRestart} before the restart, ${api.messages.length} in all; exit ${exitMs} ms)`,
    );
    expect(tally).toEqual({ sent: EVENTS, stored: EVENTS, duplicates: 0, lost: 0 });
    expect(api.messages).toHaveLength(EVENTS);
    expect(beforeRestart).toBeLessThan(EVENTS);
    expect(app.log).not.toMatch(/\+98912400\d{4}/);
  });
});
