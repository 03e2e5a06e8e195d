import request from 'supertest';
import { ADMIN_KEYS, NatsServerHarness, PHONES, TestDatabase, TWILIO, waitFor } from '@app/testing';
import { JsonGatewayStandIn } from './json-gateway-stand-in.js';
import { MeshProbe, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from './support.js';
import { TwilioStandIn } from './twilio-stand-in.js';

const ADMIN = ADMIN_KEYS.smsFallback;

describe('SMS provider fallback: SMS_PROVIDERS=twilio,http (real nats-server and PostgreSQL, Twilio and gateway stand-ins)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let twilioApi: TwilioStandIn;
  let sms: RunningSmsNotifier;
  let mesh: MeshProbe;
  const gateway = new JsonGatewayStandIn();
  let gatewayUrl: string;

  const start = () =>
    startSmsNotifier({
      events: testEventsConfig(nats, db, ADMIN),
      sms: {
        provider: 'twilio',
        providers: ['twilio', 'http'],
        ratePerHour: 0,
        providerTimeoutMs: 1_000,
        circuitFailures: 3,
        circuitOpenMs: 60_000,
        twilio: { accountSid: TWILIO.smsSuiteAccount, authToken: TWILIO.smsSuiteToken, from: PHONES.twilioFrom, apiBaseUrl: twilioApi.url },
        http: {
          url: gatewayUrl,
          method: 'POST',
          contentType: 'application/json',
          bodyTemplate: '{"to":"{{to}}","text":"{{text}}","reference":"{{idempotencyKey}}"}',
          authHeader: 'Authorization',
          idempotencyHeader: 'Idempotency-Key',
          messageIdPath: 'id',
        },
      },
    });

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_fallback');
    twilioApi = await TwilioStandIn.start(TWILIO.smsSuiteAccount);
    gatewayUrl = await gateway.start();
    sms = await start();
    mesh = await MeshProbe.connect(nats);
    await waitFor(() => mesh.jsm.consumers.info('EVENTS', 'sms-notifier'), { message: 'durable sms-notifier never appeared' });
  });

  // Circuits live in the process: each test starts from closed ones, with the app started afresh.
  beforeEach(async () => {
    if (!sms) return;
    await sms.close();
    sms = await start();
  });

  afterAll(async () => {
    await mesh?.close();
    await sms?.close();
    await twilioApi?.close();
    await gateway.close();
    await nats?.close();
    await db?.drop();
  });

  const orderStarted = (orderId: number, phone: string) =>
    mesh.publish('order.status_changed', { orderId, newStatus: 'Started', phone, locale: 'en' }, { resourceType: 'order', resourceId: String(orderId) });
  const rows = async (eventId: string) => (await db.query('SELECT status, provider, provider_message_id, reason, attempts FROM sms_messages WHERE event_id = $1', [eventId])).rows;

  it('sends through the second provider when the first answers 503, one message in total, and names the provider in sms.sent and the row', async () => {
    const to = PHONES.fallback503;
    twilioApi.failNext({ status: 503, code: 20503, message: 'Service Unavailable' });
    const event = await orderStarted(8101, to);
    const sent = await mesh.waitOutcome(event.id, 'sms.sent');
    await mesh.settled();

    expect(twilioApi.to(to).map((r) => r.answered)).toEqual([503]);
    expect(twilioApi.acceptedTo(to)).toHaveLength(0);
    expect(gateway.to(to)).toHaveLength(1);
    expect(gateway.to(to)[0].body.text).toBe('Your order #8101 has been placed and is being processed');
    expect(sent.data).toMatchObject({ provider: 'http', providerMessageId: expect.stringMatching(/^gw-\d+$/) as unknown, to: expect.stringContaining('*****') as unknown });
    expect(mesh.outcomesOf(event.id).map((e) => e.type)).toEqual(['sms.sent']);
    expect(await rows(event.id)).toEqual([{ status: 'sent', provider: 'http', provider_message_id: (sent.data as { providerMessageId: string }).providerMessageId, reason: null, attempts: 1 }]);
    const listed = await request(sms.url).get('/sms/messages').query({ eventId: event.id }).set('X-Api-Key', ADMIN).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ provider: 'http', status: 'sent' })]);
    expect(sms.logger.lines.some((l) => l.includes('trying the next provider') && l.includes('twilio'))).toBe(true);
  });

  it('never moves a timed-out SMS to the next provider on a guess: the retry asks Twilio, finds the message there, and sends nothing more', async () => {
    const to = PHONES.fallbackTimeout;
    twilioApi.holdCreates = true; // Twilio takes it, the answer never comes: the client times out
    const event = await orderStarted(8102, to);
    await waitFor(async () => (await rows(event.id))[0]?.reason === 'outcome_uncertain', { timeoutMs: 10_000, message: 'no uncertain retry recorded' });
    twilioApi.holdCreates = false;
    const sent = await mesh.waitOutcome(event.id, 'sms.sent');
    await mesh.settled();

    expect(twilioApi.creates().filter((r) => r.form.To === to)).toHaveLength(1);
    expect(gateway.to(to)).toHaveLength(0);
    const sid = twilioApi.messages.find((m) => m.to === to)!.sid;
    expect(sent.data).toMatchObject({ provider: 'twilio', providerMessageId: sid });
    expect(await rows(event.id)).toEqual([expect.objectContaining({ status: 'sent', provider: 'twilio', provider_message_id: sid })]);
    expect(sms.logger.lines.some((l) => l.includes('will be retried at twilio only'))).toBe(true);
  });

  it('moves a timed-out SMS on only when Twilio\'s list says it never took it: then the first provider is down, so the second sends', async () => {
    const to = PHONES.fallbackLost;
    twilioApi.dropCreates = 1; // the request is lost: Twilio never takes it, the client times out
    twilioApi.failNextCreates({ status: 503, code: 20503, message: 'Service Unavailable' });
    const event = await orderStarted(8103, to);
    const sent = await mesh.waitOutcome(event.id, 'sms.sent');
    await mesh.settled();

    expect(twilioApi.messages.filter((m) => m.to === to)).toHaveLength(0);
    expect(twilioApi.requests.filter((r) => r.method === 'GET' && decodeURIComponent(r.path).includes(to))).not.toHaveLength(0);
    expect(gateway.to(to)).toHaveLength(1);
    expect(twilioApi.to(to).map((r) => [r.method, r.answered])).toEqual([['POST', 0], ['POST', 503]]);
    expect(sent.data).toMatchObject({ provider: 'http' });
    expect(sms.logger.lines.some((l) => l.includes('twilio never took it'))).toBe(true);
  });

  it('opens the first provider\'s circuit after 3 outages in a row: later SMS go straight to the second, with no call to the first', async () => {
    const to = PHONES.fallbackCircuit;
    twilioApi.failNext(...Array.from({ length: 3 }, () => ({ status: 503, code: 20503, message: 'Service Unavailable' })));
    const events = [];
    for (let i = 0; i < 5; i++) {
      const event = await orderStarted(8200 + i, to);
      events.push(event);
      await mesh.waitOutcome(event.id, 'sms.sent');
    }
    await mesh.settled();

    expect(twilioApi.to(to).map((r) => r.answered)).toEqual([503, 503, 503]);
    expect(gateway.to(to)).toHaveLength(5);
    expect(events.map((e) => (mesh.outcomesOf(e.id, 'sms.sent')[0].data as { provider: string }).provider)).toEqual(['http', 'http', 'http', 'http', 'http']);
  });
});
