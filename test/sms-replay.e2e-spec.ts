import request from 'supertest';
import { freePort, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { RunningEventStore, startEventStore, storeTestConfig } from '../apps/event-store/test/support.js';
import { MeshProbe, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from '../apps/sms-notifier/test/support.js';
import { TwilioStandIn } from '../apps/sms-notifier/test/twilio-stand-in.js';

// The event store's replay route re-delivers stored events to the sms-notifier alone: the SMS
// already sent for them are not sent again. Both apps on one nats-server and one database, as in the mesh.

const ADMIN = 'sms-replay-admin-key';
const ACCOUNT = 'AC' + 'c3'.repeat(16);

describe('event-store replay to sms-notifier (real nats-server and PostgreSQL, Twilio stand-in)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let twilioApi: TwilioStandIn;
  let store: RunningEventStore;
  let sms: RunningSmsNotifier;
  let mesh: MeshProbe;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_replay');
    twilioApi = await TwilioStandIn.start(ACCOUNT);
    store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: ADMIN }));
    const port = await freePort();
    sms = await startSmsNotifier(
      {
        events: testEventsConfig(nats, db, ADMIN),
        sms: { provider: 'twilio', twilio: { accountSid: ACCOUNT, authToken: 'token', from: '+15005550006', apiBaseUrl: twilioApi.url } },
      },
      port,
    );
    mesh = await MeshProbe.connect(nats);
    await waitFor(() => mesh.jsm.consumers.info('EVENTS_REPLAY', 'sms-notifier-replay'), { message: 'durable sms-notifier-replay never appeared' });
  });

  afterAll(async () => {
    await mesh?.close();
    await sms?.close();
    await store?.close();
    await twilioApi?.close();
    await nats?.close();
    await db?.drop();
  });

  it('sends nothing more when POST /events/replay re-delivers orders that already got their SMS', async () => {
    const orders = [];
    for (const [orderId, phone, locale] of [[6001, '+989121110001', 'fa'], [6002, '+989121110002', 'en']] as const) {
      orders.push(await mesh.publish('order.status_changed', { orderId, newStatus: 'Started', phone, locale }, { resourceType: 'order', resourceId: String(orderId) }));
    }
    for (const o of orders) await mesh.waitOutcome(o.id, 'sms.sent');
    for (const o of orders) await waitFor(async () => (await request(store.url).get(`/events/${o.id}`).set('X-Api-Key', ADMIN)).status === 200, { message: `event-store never stored ${o.id}` });
    await mesh.settled();
    expect(twilioApi.requests).toHaveLength(2);

    const res = await request(store.url).post('/events/replay').set('X-Api-Key', ADMIN).send({ consumer: 'sms-notifier', type: 'order.status_changed' }).expect(200);
    expect(res.body.queued).toBe(2);
    await waitFor(async () => (await mesh.jsm.consumers.info('EVENTS_REPLAY', 'sms-notifier-replay')).delivered.consumer_seq >= 2, { message: 'replay never reached sms-notifier' });
    await mesh.settled('sms-notifier-replay', 'EVENTS_REPLAY');

    expect(twilioApi.requests).toHaveLength(2);
    for (const o of orders) expect(mesh.outcomesOf(o.id, 'sms.sent')).toHaveLength(1);
    const { rows } = await db.query('SELECT status, attempts FROM sms_messages WHERE event_id = ANY($1)', [orders.map((o) => o.id)]);
    expect(rows).toEqual([{ status: 'sent', attempts: 1 }, { status: 'sent', attempts: 1 }]);
  });
});
