import request from 'supertest';
import twilio from 'twilio';
import { createEnvelope, ReplayService, type CloudEvent } from '@app/events';
import { Collector, freePort, NatsServerHarness, PHONES, TestDatabase, TWILIO, waitFor } from '@app/testing';
import { MeshProbe, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from './support.js';
import { TwilioStandIn } from './twilio-stand-in.js';

const ADMIN = 'sms-suite-admin-key';
const ACCOUNT = TWILIO.smsSuiteAccount;
const AUTH_TOKEN = TWILIO.smsSuiteToken;
const FROM = PHONES.twilioFrom;
const RATE = 3;
const LEASE_MS = 1_500;
const ORDER_RULE = '0193a000-0000-7000-8000-000000000001';

const FA_ORDER = (id: number) => `سفارش #${id} شما ثبت شد و در حال پردازش است`;
const EN_PAYMENT = (id: number) => `Payment for order #${id} was successful`;

/** Distinct valid Iranian mobile numbers, national and E.164, one per test so the rate limit stays per test. */
let nextNumber = 1_230_000;
function phone(): { national: string; e164: string } {
  const n = String(nextNumber++).padStart(7, '0');
  return { national: `0912${n}`, e164: `+98912${n}` };
}

describe('sms-notifier (real nats-server and PostgreSQL, Twilio stand-in driven by the twilio client)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let twilioApi: TwilioStandIn;
  let sms: RunningSmsNotifier;
  let mesh: MeshProbe;
  const usedNumbers: string[] = [];
  // Request events on (read when the app module is built): forged callbacks must not yield one each.
  const savedServerLogging = process.env.ENABLE_SERVER_LOGGING;
  const requestEvents = new Collector<CloudEvent<{ method: string; route: string; status: number }>>();

  beforeAll(async () => {
    process.env.ENABLE_SERVER_LOGGING = 'true';
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_notifier');
    twilioApi = await TwilioStandIn.start(ACCOUNT);
    const port = await freePort();
    sms = await startSmsNotifier(
      {
        events: testEventsConfig(nats, db, ADMIN),
        sms: {
          provider: 'twilio',
          ratePerHour: RATE,
          sendingLeaseMs: LEASE_MS,
          publicBaseUrl: `http://127.0.0.1:${port}`,
          twilio: { accountSid: ACCOUNT, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: twilioApi.url },
        },
      },
      port,
    );
    mesh = await MeshProbe.connect(nats);
    mesh.nc.subscribe('events.http.>', {
      callback: (err, msg) => {
        if (!err) requestEvents.push(msg.json());
      },
    });
    await mesh.nc.flush();
    await waitFor(() => mesh.jsm.consumers.info('EVENTS', 'sms-notifier'), { message: 'durable sms-notifier never appeared' });
  });

  afterAll(async () => {
    if (savedServerLogging === undefined) delete process.env.ENABLE_SERVER_LOGGING;
    else process.env.ENABLE_SERVER_LOGGING = savedServerLogging;
    await mesh?.close();
    await sms?.close();
    await twilioApi?.close();
    await nats?.close();
    await db?.drop();
  });

  const admin = () => ({ 'X-Api-Key': ADMIN });
  const row = async (eventId: string) => (await db.query('SELECT * FROM sms_messages WHERE event_id = $1', [eventId])).rows;
  const orderStarted = (orderId: number, to: string, locale = 'fa') =>
    mesh.publish('order.status_changed', { orderId, oldStatus: 'Pending', newStatus: 'Started', phone: to, locale }, { resourceType: 'order', resourceId: String(orderId) });
  const use = (p: { national: string; e164: string }) => (usedNumbers.push(p.e164, p.national), p);

  /** Signs a form as Twilio does for this app's public URL. */
  const twilioPost = (path: string, form: Record<string, string>, signature?: string) => {
    const url = `${sms.url}${path}`;
    const sig = signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, form);
    return request(sms.url).post(path).type('form').set('X-Twilio-Signature', sig).send(form);
  };

  it('sends one SMS per matching event through the Twilio API, with the normalised number and the rendered Persian or English text', async () => {
    const fa = use(phone());
    const en = use(phone());
    const order = await orderStarted(5001, fa.national, 'fa-IR');
    const payment = await mesh.publish('payment.status_changed', { orderId: 5001, newStatus: 'success', phone: en.e164, locale: 'en' }, { resourceType: 'order', resourceId: '5001' });
    const ignored = await mesh.publish('order.status_changed', { orderId: 5002, newStatus: 'Cancelled', phone: fa.e164, locale: 'fa' });

    const sent = await mesh.waitOutcome(order.id, 'sms.sent');
    await mesh.waitOutcome(payment.id, 'sms.sent');
    await mesh.settled();

    const [toFa] = twilioApi.to(fa.e164);
    expect(twilioApi.to(fa.e164)).toHaveLength(1);
    expect(toFa).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, answered: 201 });
    expect(toFa.form).toMatchObject({ To: fa.e164, From: FROM, Body: FA_ORDER(5001), StatusCallback: `${sms.url}/sms/status/twilio` });
    expect(toFa.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(twilioApi.to(en.e164).map((r) => r.form.Body)).toEqual([EN_PAYMENT(5001)]);

    expect(sent).toMatchObject({
      source: 'sms-notifier',
      level: 'success',
      audience: 'admin',
      category: 'Notification',
      resourcetype: 'order',
      resourceid: '5001',
      causationid: order.id,
      data: { eventId: order.id, eventType: 'order.status_changed', provider: 'twilio', providerMessageId: toFa.sid, segments: 1, encoding: 'UCS-2', locale: 'fa', to: '+98912*****' + fa.e164.slice(-2), templateKey: 'order_confirmation' },
    });
    expect(mesh.outcomesOf(ignored.id)).toEqual([]);
    expect(await row(ignored.id)).toEqual([]);
    const [stored] = await row(order.id);
    expect(stored).toMatchObject({ status: 'sent', recipient: fa.e164, body: FA_ORDER(5001), provider_message_id: toFa.sid, attempts: 1 });
  });

  it('sends nothing more when the same event is delivered again or replayed to the app', async () => {
    const p = use(phone());
    const order = await orderStarted(5101, p.e164);
    await mesh.waitOutcome(order.id, 'sms.sent');
    await mesh.settled();

    // The same envelope (same event id) delivered a second time, as a redelivery would.
    await mesh.publishEnvelope(order, `${order.id}:again`);
    await mesh.settled();
    // And replayed to this app only, as the event store's replay route does.
    expect(await sms.app.get(ReplayService).replay('sms-notifier', [order as CloudEvent])).toBe(1);
    await mesh.settled('sms-notifier-replay', 'EVENTS_REPLAY');
    const replayInfo = await mesh.jsm.consumers.info('EVENTS_REPLAY', 'sms-notifier-replay');
    expect(replayInfo.delivered.consumer_seq).toBeGreaterThanOrEqual(1);

    expect(twilioApi.to(p.e164)).toHaveLength(1);
    expect(mesh.outcomesOf(order.id, 'sms.sent')).toHaveLength(1);
    expect(await row(order.id)).toHaveLength(1);
  });

  it('suppresses as stale a live event older than SMS_MAX_EVENT_AGE (24 h), and sends an old event replayed on purpose', async () => {
    const old = use(phone());
    const replayed = use(phone());
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const late = await mesh.publish('order.status_changed', { orderId: 5151, newStatus: 'Started', phone: old.e164 }, { time: twoDaysAgo, resourceType: 'order', resourceId: '5151' });
    const suppressed = await mesh.waitOutcome(late.id, 'sms.suppressed');
    expect(suppressed.data).toMatchObject({ reason: 'stale' });

    const history = createEnvelope('order.status_changed', { orderId: 5152, newStatus: 'Started', phone: replayed.e164, locale: 'en' }, 'shop', { time: twoDaysAgo });
    expect(await sms.app.get(ReplayService).replay('sms-notifier', [history])).toBe(1);
    await mesh.waitOutcome(history.id, 'sms.sent');
    await mesh.settled();

    expect(twilioApi.to(old.e164)).toEqual([]);
    expect(twilioApi.to(replayed.e164).map((r) => r.form.Body)).toEqual(['Your order #5152 has been placed and is being processed']);
  });

  it('retries after a provider 500 and sends exactly one SMS once it accepts', async () => {
    const p = use(phone());
    twilioApi.failNext({ status: 500, code: 20500, message: 'Internal Server Error' });
    const order = await orderStarted(5201, p.e164);
    await mesh.waitOutcome(order.id, 'sms.sent');
    await mesh.settled();

    expect(twilioApi.to(p.e164).map((r) => r.answered)).toEqual([500, 201]);
    expect(twilioApi.acceptedTo(p.e164)).toHaveLength(1);
    expect(mesh.outcomesOf(order.id).map((e) => e.type)).toEqual(['sms.sent']);
    const [stored] = await row(order.id);
    expect(stored).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('publishes sms.failed (provider_unavailable) and acks when the provider is down for every delivery', async () => {
    const p = use(phone());
    twilioApi.failNext(...Array(5).fill({ status: 503, code: 20503, message: 'Service Unavailable' }));
    const order = await orderStarted(5251, p.e164);
    const failed = await mesh.waitOutcome(order.id, 'sms.failed');
    await mesh.settled();

    expect(twilioApi.to(p.e164).map((r) => r.answered)).toEqual([503, 503, 503, 503, 503]);
    expect(failed.data).toMatchObject({ reason: 'provider_unavailable', providerError: 'Twilio 503 (error 20503): Service Unavailable' });
    expect(mesh.outcomesOf(order.id).map((e) => e.type)).toEqual(['sms.failed']);
    const dlq = await mesh.jsm.streams.info('EVENTS_DLQ');
    expect(dlq.state.messages).toBe(0);
  });

  it('sends again, with the same idempotency key, an SMS whose claim outlived its lease without an outcome (the documented crash window), and waits for a live one', async () => {
    const crashed = use(phone());
    const live = use(phone());
    const claim = async (to: string, orderId: number, claimedAgoMs: number) => {
      const event = createEnvelope('order.status_changed', { orderId, newStatus: 'Started', phone: to, locale: 'en' }, 'shop', { resourceType: 'order', resourceId: String(orderId) });
      const id = crypto.randomUUID();
      await db.query(
        `INSERT INTO sms_messages (id, event_id, rule_id, recipient, status, event_type, template_key, locale, body, encoding, segments, attempts, claimed_at)
         VALUES ($1, $2, $3, $4, 'sending', 'order.status_changed', 'order_confirmation', 'en', $5, 'GSM-7', 1, 1, now() - $6 * interval '1 millisecond')`,
        [id, event.id, ORDER_RULE, to, `Your order #${orderId} has been placed and is being processed`, claimedAgoMs],
      );
      return { event, id };
    };
    const stale = await claim(crashed.e164, 5261, 60 * 60_000);
    const fresh = await claim(live.e164, 5262, 0);
    await mesh.publishEnvelope(stale.event);
    await mesh.publishEnvelope(fresh.event);
    await mesh.waitOutcome(stale.event.id, 'sms.sent');
    await mesh.waitOutcome(fresh.event.id, 'sms.sent', 20_000);
    await mesh.settled();

    for (const [p, c] of [[crashed, stale], [live, fresh]] as const) {
      expect(twilioApi.to(p.e164).map((r) => r.form.Body)).toEqual([expect.stringContaining('has been placed')]);
      expect(await row(c.event.id)).toMatchObject([{ id: c.id, status: 'sent', attempts: 2 }]);
    }
    expect(sms.logger.lines.some((l) => l.includes(`SMS ${stale.id}`) && l.includes('never recorded'))).toBe(true);
    expect(sms.logger.lines.some((l) => l.includes(`SMS ${fresh.id}`) && l.includes('never recorded'))).toBe(true);
  });

  it('records an unrecorded claim that Twilio already holds as sent with its SID, found through the Messages list, and sends nothing again', async () => {
    const p = use(phone());
    const orderId = 5271;
    const text = `Your order #${orderId} has been placed and is being processed`;
    const before = twilioApi.requests.length;
    const event = createEnvelope('order.status_changed', { orderId, newStatus: 'Started', phone: p.e164, locale: 'en' }, 'shop', { resourceType: 'order', resourceId: String(orderId) });
    const id = crypto.randomUUID();
    await db.query(
      `INSERT INTO sms_messages (id, event_id, rule_id, recipient, status, event_type, template_key, locale, body, encoding, segments, attempts, claimed_at)
       VALUES ($1, $2, $3, $4, 'sending', 'order.status_changed', 'order_confirmation', 'en', $5, 'GSM-7', 1, 1, now() - interval '1 hour')`,
      [id, event.id, ORDER_RULE, p.e164, text],
    );
    // The crashed attempt had reached Twilio: the stand-in holds the message, created after the claim.
    const lost = await fetch(`${twilioApi.url}/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT}:${AUTH_TOKEN}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: p.e164, From: FROM, Body: text }),
    }).then((r) => r.json() as Promise<{ sid: string }>);

    await mesh.publishEnvelope(event);
    const sent = await mesh.waitOutcome(event.id, 'sms.sent');
    await mesh.settled();

    const after = twilioApi.requests.slice(before);
    expect(after.filter((r) => r.method === 'POST')).toHaveLength(1); // the test's own create only
    const lookups = after.filter((r) => r.method === 'GET');
    expect(lookups).toHaveLength(1);
    const query = new URL(lookups[0].path, 'http://x').searchParams;
    expect(query.get('To')).toBe(p.e164);
    expect(query.get('DateSent>')).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    expect(sent.data).toMatchObject({ smsId: id, providerMessageId: lost.sid });
    expect(await row(event.id)).toMatchObject([{ id, status: 'sent', provider_message_id: lost.sid, attempts: 1 }]);
    expect(sms.logger.lines.some((l) => l.includes(`SMS ${id}`) && l.includes('not sending it again'))).toBe(true);
  });

  it('publishes sms.failed and acks when the provider rejects the SMS for good', async () => {
    const p = use(phone());
    const message = `The 'To' number ${p.e164} is not a valid phone number. ${'x'.repeat(300)}`;
    twilioApi.failNext({ status: 400, code: 21211, message });
    const order = await orderStarted(5301, p.e164);
    const failed = await mesh.waitOutcome(order.id, 'sms.failed');
    await mesh.settled();

    expect(twilioApi.to(p.e164)).toHaveLength(1);
    expect(failed).toMatchObject({ level: 'error', resourceid: '5301', data: { reason: 'rejected', provider: 'twilio' } });
    const providerError = (failed.data as { providerError: string }).providerError;
    expect(providerError.startsWith(`Twilio 400 (error 21211): The 'To' number +98912*****${p.e164.slice(-2)} is not`)).toBe(true);
    expect(providerError.length).toBeLessThanOrEqual(200);
  });

  it('sends nothing to an invalid number and publishes sms.failed with reason invalid_phone', async () => {
    const before = twilioApi.requests.length;
    const order = await orderStarted(5401, '12345');
    const noPhone = await mesh.publish('order.status_changed', { orderId: 5402, newStatus: 'Started' });
    const failed = await mesh.waitOutcome(order.id, 'sms.failed');
    const missing = await mesh.waitOutcome(noPhone.id, 'sms.failed');
    await mesh.settled();

    expect(failed.data).toMatchObject({ reason: 'invalid_phone', eventId: order.id });
    expect(missing.data).toMatchObject({ reason: 'invalid_phone' });
    expect(twilioApi.requests.length).toBe(before);
  });

  it('opts a number out on an inbound STOP (or لغو) and suppresses what would go to it', async () => {
    const p = use(phone());
    const q = use(phone());
    await twilioPost('/sms/inbound/twilio', { From: p.e164, To: FROM, Body: 'STOP', MessageSid: 'SMinbound1', AccountSid: ACCOUNT }).expect(200).expect('content-type', /xml/);
    await twilioPost('/sms/inbound/twilio', { From: q.e164, To: FROM, Body: 'لغو', MessageSid: 'SMinbound2', AccountSid: ACCOUNT }).expect(200);
    const optOuts = await request(sms.url).get('/sms/opt-outs').set(admin()).expect(200);
    expect(optOuts.body.map((o: { phone: string }) => o.phone)).toEqual(expect.arrayContaining([p.e164, q.e164]));

    const toP = await orderStarted(5501, p.national);
    const toQ = await orderStarted(5502, q.e164);
    const suppressed = await mesh.waitOutcome(toP.id, 'sms.suppressed');
    await mesh.waitOutcome(toQ.id, 'sms.suppressed');
    await mesh.settled();

    expect(suppressed.data).toMatchObject({ reason: 'opted_out' });
    expect(twilioApi.to(p.e164)).toEqual([]);
    expect(twilioApi.to(q.e164)).toEqual([]);
    const optedOut = await waitFor(() => mesh.outcomes.items.find((e) => e.type === 'sms.opted_out' && (e.data as { to: string }).to === `+98912*****${p.e164.slice(-2)}`));
    expect(optedOut!.data).toEqual({ to: `+98912*****${p.e164.slice(-2)}`, keyword: 'STOP', provider: 'twilio' });

    // START opts back in: the next SMS goes out.
    await twilioPost('/sms/inbound/twilio', { From: p.e164, To: FROM, Body: 'Start', MessageSid: 'SMinbound3', AccountSid: ACCOUNT }).expect(200);
    const again = await orderStarted(5503, p.e164);
    await mesh.waitOutcome(again.id, 'sms.sent');
    expect(twilioApi.to(p.e164)).toHaveLength(1);
    // An inbound reply with a forged signature changes nothing.
    await twilioPost('/sms/inbound/twilio', { From: p.e164, To: FROM, Body: 'STOP' }, 'forged').expect(403);
    expect((await request(sms.url).get('/sms/opt-outs').set(admin()).expect(200)).body.map((o: { phone: string }) => o.phone)).not.toContain(p.e164);
  });

  it(`suppresses more than ${RATE} SMS an hour to one number`, async () => {
    const p = use(phone());
    const orders: CloudEvent[] = [];
    for (let i = 0; i < RATE + 1; i++) {
      orders.push(await orderStarted(5600 + i, p.e164));
      // One at a time, so which one is over the limit is known.
      await waitFor(() => mesh.outcomesOf(orders[i].id).length > 0, { message: `no outcome for order ${5600 + i}` });
    }
    await mesh.settled();

    expect(orders.map((o) => mesh.outcomesOf(o.id)[0].type)).toEqual([...Array(RATE).fill('sms.sent'), 'sms.suppressed']);
    expect(mesh.outcomesOf(orders[RATE].id)[0].data).toMatchObject({ reason: 'rate_limited' });
    expect(twilioApi.to(p.e164)).toHaveLength(RATE);
  });

  it('holds the hourly limit for a burst to one number handled concurrently, with a second replica on the durable', async () => {
    const second = await startSmsNotifier({
      events: testEventsConfig(nats, db, ADMIN),
      sms: { provider: 'twilio', ratePerHour: RATE, twilio: { accountSid: ACCOUNT, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: twilioApi.url } },
    }, undefined, sms.logger);
    try {
      const p = use(phone());
      const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => orderStarted(5650 + i, p.e164)));
      await waitFor(() => burst.every((o) => mesh.outcomesOf(o.id).length === 1), { timeoutMs: 20_000, message: 'not every order of the burst got its outcome' });
      await mesh.settled();

      const types = burst.map((o) => mesh.outcomesOf(o.id)[0].type);
      expect(types.filter((t) => t === 'sms.sent')).toHaveLength(RATE);
      expect(types.filter((t) => t === 'sms.suppressed')).toHaveLength(8 - RATE);
      expect(twilioApi.to(p.e164)).toHaveLength(RATE);
    } finally {
      await second.close();
    }
  });

  it('publishes sms.delivered for a status callback with a valid signature, once', async () => {
    const p = use(phone());
    const order = await orderStarted(5701, p.e164);
    const sent = await mesh.waitOutcome(order.id, 'sms.sent');
    const sid = (sent.data as { providerMessageId: string }).providerMessageId;
    const form = { MessageSid: sid, MessageStatus: 'delivered', AccountSid: ACCOUNT, To: p.e164, From: FROM, ApiVersion: '2010-04-01' };

    await twilioPost('/sms/status/twilio', form).expect(204);
    const delivered = await mesh.waitOutcome(order.id, 'sms.delivered');
    expect(delivered).toMatchObject({ resourcetype: 'order', resourceid: '5701', data: { providerMessageId: sid, providerStatus: 'delivered' } });
    // Twilio may post the same status again: nothing changes.
    await twilioPost('/sms/status/twilio', form).expect(204);

    const list = await request(sms.url).get('/sms/messages').query({ phone: p.national, status: 'delivered' }).set(admin()).expect(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ eventId: order.id, recipient: p.e164, status: 'delivered', providerStatus: 'delivered' });
    const byEvent = await request(sms.url).get('/sms/messages').query({ eventId: order.id }).set(admin()).expect(200);
    expect(byEvent.body.map((m: { id: string }) => m.id)).toEqual([list.body[0].id]);
    await waitFor(async () => (await db.query('SELECT count(*)::int AS n FROM mesh_outbox')).rows[0].n === 0, { message: 'outbox not drained' });
    expect(mesh.outcomesOf(order.id, 'sms.delivered')).toHaveLength(1);
  });

  it('publishes sms.undelivered with the error code for a failed delivery report', async () => {
    const p = use(phone());
    const order = await orderStarted(5702, p.e164);
    const sid = ((await mesh.waitOutcome(order.id, 'sms.sent')).data as { providerMessageId: string }).providerMessageId;
    await twilioPost('/sms/status/twilio', { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: ACCOUNT }).expect(204);
    const undelivered = await mesh.waitOutcome(order.id, 'sms.undelivered');
    expect(undelivered).toMatchObject({ level: 'warn', data: { providerStatus: 'undelivered', errorCode: '30003' } });
  });

  it('refuses forged status callbacks with 403 and records one sms.signature_verification_failure per source per minute, with a count (and no request event each)', async () => {
    const before = mesh.outcomes.items.length;
    const requestsBefore = requestEvents.items.length;
    const forged = { MessageSid: 'SMforged', MessageStatus: 'delivered', AccountSid: ACCOUNT };
    const res = await twilioPost('/sms/status/twilio', forged, twilio.getExpectedTwilioSignature('not-the-token', `${sms.url}/sms/status/twilio`, forged)).expect(403);
    expect(res.body.message).toMatch(/X-Twilio-Signature/);
    await waitFor(() => mesh.outcomes.items.slice(before).find((e) => e.type === 'sms.signature_verification_failure'));
    // A flood from the same source: each refused, none recorded on its own.
    for (let i = 0; i < 20; i++) await request(sms.url).post('/sms/status/twilio').type('form').send(forged).expect(403);
    // An event the app publishes after the flood: once it is in, anything the flood published is too.
    const p = use(phone());
    await twilioPost('/sms/inbound/twilio', { From: p.e164, To: FROM, Body: 'STOP', MessageSid: 'SMafterflood', AccountSid: ACCOUNT }).expect(200);
    await waitFor(() => mesh.outcomes.items.slice(before).find((e) => e.type === 'sms.opted_out' && (e.data as { to: string }).to.endsWith(p.e164.slice(-2))));

    const failures = mesh.outcomes.items.slice(before).filter((e) => e.type === 'sms.signature_verification_failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 'warn', data: { provider: 'twilio', route: 'status', has_signature_header: true, count: 1 } });
    expect(mesh.outcomes.items.filter((e) => e.type === 'sms.delivered' && (e.data as { providerMessageId: string }).providerMessageId === 'SMforged')).toEqual([]);

    // The request after the flood is published (route pattern, never the number); the 21 refusals are not.
    const after = await waitFor(() => requestEvents.items.slice(requestsBefore).find((e) => e.type === 'http.request_completed' && e.data.route === '/sms/inbound/:provider'), { message: 'no http.request_completed for the inbound STOP' });
    expect(after!.data).toMatchObject({ method: 'POST', status: 200 });
    expect(JSON.stringify(after)).not.toContain(p.e164.slice(-6));
    expect(requestEvents.items.slice(requestsBefore).filter((e) => e.data.status === 403)).toEqual([]);
  });

  it('previews a long Persian template as UCS-2, 67 characters per concatenated segment', async () => {
    const body = 'مشتری گرامی، سفارش شماره {{orderId}} ثبت شد. ' + 'از خرید شما سپاسگزاریم. '.repeat(5);
    await request(sms.url).put('/sms/templates/long_thanks/fa').set(admin()).send({ body, sampleData: { orderId: 98765 } }).expect(201);
    const res = await request(sms.url).post('/sms/templates/long_thanks/preview').set(admin()).send({}).expect(200);
    const text = body.replace('{{orderId}}', '98765');
    expect(res.body).toEqual([{ key: 'long_thanks', locale: 'fa', text, encoding: 'UCS-2', segments: Math.ceil(text.length / 67), characters: text.length, perSegment: 67 }]);
    expect(text.length).toBeGreaterThan(134);

    const short = await request(sms.url).post('/sms/templates/order_confirmation/preview').set(admin()).send({ locale: 'en', data: { orderId: 7 } }).expect(200);
    expect(short.body).toEqual([{ key: 'order_confirmation', locale: 'en', text: 'Your order #7 has been placed and is being processed', encoding: 'GSM-7', segments: 1, characters: 52, perSegment: 160 }]);
  });

  it('refuses templates and rules that could fail at send time, naming the field', async () => {
    const missing = await request(sms.url).put('/sms/templates/shipped/en').set(admin()).send({ body: 'Order {{orderId}} ships {{eta}}', sampleData: { orderId: 1 } }).expect(400);
    expect(missing.body.message).toEqual([expect.stringMatching(/^body uses \{\{eta\}\}, which sampleData does not have/)]);
    const broken = await request(sms.url).put('/sms/templates/shipped/en').set(admin()).send({ body: 'Order {{orderId', sampleData: { orderId: 1 } }).expect(400);
    expect(broken.body.message[0]).toMatch(/^body: the template does not parse/);
    const unknown = await request(sms.url).put('/sms/templates/shipped/en').set(admin()).send({ body: 'x', sampleData: {}, extra: 1 }).expect(400);
    expect(unknown.body.message).toContain('property extra should not exist');

    const rule = { name: 'bad', eventPattern: 'sms.*', condition: 'newStatus = "x"', phonePath: 'phone', templateKey: 'nope', defaultLocale: 'en' };
    const res = await request(sms.url).post('/sms/rules').set(admin()).send(rule).expect(400);
    expect(res.body.message).toEqual([
      expect.stringMatching(/^eventPattern: .*sms\.\* events/),
      expect.stringMatching(/^templateKey: no template "nope" in the default locale "en"/),
    ]);
    const badCondition = await request(sms.url).post('/sms/rules').set(admin()).send({ ...rule, eventPattern: 'order.*', templateKey: 'order_confirmation' }).expect(400);
    expect(badCondition.body.message).toEqual([expect.stringMatching(/^condition: cannot read the condition at character 11/)]);
    const badPath = await request(sms.url).post('/sms/rules').set(admin()).send({ ...rule, phonePath: 'a b' }).expect(400);
    expect(badPath.body.message).toEqual([expect.stringMatching(/^phonePath must be a dotted path/)]);
    await request(sms.url).get('/sms/rules').expect(401);
  });

  it('sends to a rule added over the API, in the locale the event names', async () => {
    const p = use(phone());
    await request(sms.url).put('/sms/templates/vendor_welcome/en').set(admin()).send({ body: 'Welcome, {{vendor.name}}!', sampleData: { vendor: { name: 'Taco Stand' } } }).expect(201);
    const created = await request(sms.url)
      .post('/sms/rules')
      .set(admin())
      .send({ name: 'vendor-welcome', eventPattern: 'vendor.*', condition: 'vendor.open == true', phonePath: 'vendor.phone', templateKey: 'vendor_welcome', defaultLocale: 'en' })
      .expect(201);
    const vendor = await mesh.publish('vendor.created', { vendor: { name: 'Kebab & Co', phone: p.e164, open: true } }, { resourceType: 'vendor', resourceId: 'v-1' });
    await mesh.waitOutcome(vendor.id, 'sms.sent');
    expect(twilioApi.to(p.e164).map((r) => r.form.Body)).toEqual(['Welcome, Kebab & Co!']);

    await request(sms.url).patch(`/sms/rules/${created.body.id}`).set(admin()).send({ enabled: false }).expect(200);
    await request(sms.url).delete(`/sms/rules/${created.body.id}`).set(admin()).expect(204);
  });

  it('skips a rule written into the database by hand that does not compile, and keeps sending for the others', async () => {
    const p = use(phone());
    const bad = crypto.randomUUID();
    await db.query(
      `INSERT INTO sms_rules (id, name, event_pattern, condition, phone_path, template_key, default_locale) VALUES ($1, 'hand-edited', 'order.status_changed', 'newStatus = broken', 'phone', 'order_confirmation', 'en')`,
      [bad],
    );
    try {
      // Any write through the API makes this replica read the rules again at once.
      await request(sms.url).patch(`/sms/rules/${ORDER_RULE}`).set(admin()).send({ enabled: true }).expect(200);
      const order = await orderStarted(5801, p.e164);
      await mesh.waitOutcome(order.id, 'sms.sent');
      await mesh.settled();
      expect(twilioApi.to(p.e164)).toHaveLength(1);
      expect(sms.logger.lines.some((l) => l.includes(`rule hand-edited (${bad}) is skipped until fixed`))).toBe(true);
    } finally {
      await db.query('DELETE FROM sms_rules WHERE id = $1', [bad]);
    }
  });

  it('counts outcomes on /metrics and names the provider in /health/events', async () => {
    const metrics = await request(sms.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/sms_outcomes_total\{provider="twilio",outcome="sent",reason=""\} \d+/);
    expect(metrics.text).toMatch(/sms_outcomes_total\{provider="twilio",outcome="suppressed",reason="rate_limited"\} \d+/);
    expect(metrics.text).toMatch(/sms_provider_request_duration_seconds_count\{provider="twilio",result="accepted"\} \d+/);
    const health = await request(sms.url).get('/health/events').expect(200);
    expect(health.body.details.smsProvider).toEqual({ status: 'up', provider: 'twilio', providers: ['twilio'], unknownOutcomes: { resent: 0, skipped: 0, last: null } });
    expect(health.body.details.consumer).toMatchObject({ name: 'sms-notifier', status: 'up' });
  });

  it('never writes a full phone number to its logs', () => {
    const logs = sms.logger.lines.join('\n');
    expect(logs).toMatch(/\+98912\*{5}\d\d/);
    for (const n of usedNumbers) expect(logs).not.toContain(n);
  });
});
