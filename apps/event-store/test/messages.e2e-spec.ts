import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { EventsService } from '@app/events';
import { ADMIN_KEYS, NatsServerHarness, PHONES, SIGNING_SECRETS, TestDatabase, waitFor } from '@app/testing';
import { signFeedToken } from '../src/feed/feed-token.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = ADMIN_KEYS.eventMessages;
const SECRET = SIGNING_SECRETS.feed;

interface Item {
  id: string;
  type: string;
  message: string;
  messageEn: string;
  category: string;
  sentence?: string;
  dir?: string;
  data?: unknown;
}

describe('event sentences, templates and the user feed (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let events: EventsService;
  const saved = { secret: process.env.EVENTS_FEED_SECRET, ttl: process.env.EVENTS_FEED_TOKEN_MAX_TTL };

  beforeAll(async () => {
    process.env.EVENTS_FEED_SECRET = SECRET;
    process.env.EVENTS_FEED_TOKEN_MAX_TTL = '600';
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_messages');
    store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: ADMIN }));
    events = store.app.get(EventsService);
  });

  afterAll(async () => {
    await store?.close();
    await nats?.close();
    await db?.drop();
    for (const [key, value] of [['EVENTS_FEED_SECRET', saved.secret], ['EVENTS_FEED_TOKEN_MAX_TTL', saved.ttl]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const api = () => request(store.url);
  const admin = <T extends request.Test>(r: T): T => r.set('X-Api-Key', ADMIN);
  const stored = (id: string, lang = 'fa'): Promise<Item> =>
    waitFor<Item | undefined>(async () => {
      const res = await admin(api().get(`/events/${id}?lang=${lang}`));
      return res.status === 200 ? (res.body as Item) : undefined;
    }, { timeoutMs: 30_000, message: `event ${id} not stored` }) as Promise<Item>;

  it('stores each event with its sentences and answers in the language asked for, right-to-left for Persian', async () => {
    const { id } = await events.publishEvent('sms.sent', { to: PHONES.iran, smsId: 's1' }, { audience: 'admin' });
    const fa = await stored(id, 'fa');
    expect(fa).toMatchObject({ message: 'پیامک به \u2066+98912*****67\u2069 ارسال شد', messageEn: 'SMS sent to +98912*****67', category: 'Notification', sentence: 'پیامک به \u2066+98912*****67\u2069 ارسال شد', dir: 'rtl' });
    const { rows } = await db.query<{ message: string; message_en: string }>(`SELECT message, message_en FROM events WHERE id = $1`, [id]);
    expect(rows).toEqual([{ message: 'پیامک به \u2066+98912*****67\u2069 ارسال شد', message_en: 'SMS sent to +98912*****67' }]);

    const list = await admin(api().get('/events?type=sms.sent&lang=en')).expect(200);
    expect(list.body.items[0]).toMatchObject({ id, sentence: 'SMS sent to +98912*****67', dir: 'ltr' });
    const bad = await admin(api().get('/events?lang=de')).expect(400);
    expect(JSON.stringify(bad.body)).toContain('lang must be one of fa, en');
  });

  it('refuses a template with an unknown placeholder or a free-text audience, naming them', async () => {
    const res = await admin(api().put('/events/templates/vendor.created/admin')).send({ fa: 'فروشنده {{data.title}}', en: 'Vendor {{data.name}}', sample: { name: 'Taco' } }).expect(400);
    expect(JSON.stringify(res.body)).toContain('fa: placeholder {{data.title}} is not in a vendor.created event');
    const audience = await admin(api().put('/events/templates/vendor.created/customers')).send({ fa: 'x', en: 'y', sample: {} }).expect(400);
    expect(JSON.stringify(audience.body)).toContain('audience must be one of user, admin, superadmin, all');
    await api().put('/events/templates/vendor.created/admin').send({ fa: 'x', en: 'y', sample: {} }).expect(401);
  });

  it('keeps history as it was said, renders it again after a template change, and audits the change', async () => {
    const { id } = await events.publishEvent('vendor.created', { name: 'Taco Stand' }, { audience: 'admin', resourceType: 'vendor', resourceId: 'v1' });
    expect((await stored(id)).messageEn).toBe('Vendor "Taco Stand" was created');

    const put = await admin(api().put('/events/templates/vendor.created/admin'))
      .send({ fa: 'فروشندهٔ تازه: {{data.name}}', en: 'New vendor: {{data.name}} ({{resourceid}})', category: 'Vendor', by: 'dana' })
      .expect(200);
    expect(put.body).toMatchObject({ origin: 'custom', updatedBy: 'dana', type: 'vendor.created', audience: 'admin' });
    // Checked against the latest stored vendor.created (no sample given), and stored sentences stay as they were.
    expect((await stored(id)).messageEn).toBe('Vendor "Taco Stand" was created');
    const listed = await admin(api().get('/events/templates?type=vendor.created')).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ audience: 'admin', origin: 'custom', en: 'New vendor: {{data.name}} ({{resourceid}})' })]);

    // Two at once (two admins, or two replicas) wait for each other rather than deadlock.
    const [rerender, twin] = await Promise.all([
      admin(api().post('/events/templates/rerender')).send({ type: 'vendor.*' }),
      admin(api().post('/events/templates/rerender')).send({ type: 'vendor.*' }),
    ]);
    expect([rerender.status, twin.status]).toEqual([200, 200]);
    expect(rerender.body.updated).toBeGreaterThanOrEqual(1);
    expect(await stored(id)).toMatchObject({ message: 'فروشندهٔ تازه: Taco Stand', messageEn: 'New vendor: Taco Stand (v1)' });

    const audit = await waitFor(async () => {
      const res = await admin(api().get('/events?type=audit.template_saved&lang=en')).expect(200);
      return (res.body.items as Item[])[0];
    }, { timeoutMs: 30_000, message: 'audit.template_saved not stored' });
    expect(audit).toMatchObject({ actor: 'dana', audience: 'admin', category: 'Audit', sentence: 'dana saved the vendor.created sentence for admin' });

    // The same from a shell (the built command, as `npm run event-store:rerender-messages` runs it).
    await admin(api().put('/events/templates/vendor.created/admin')).send({ fa: 'فروشنده: {{data.name}}', en: 'Vendor: {{data.name}}', by: 'dana' }).expect(200);
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/apps/event-store/src/messages/rerender.main.js', 'vendor.created'], { env: { ...process.env, DATABASE_URL: db.url } });
    expect(stdout).toMatch(/sentences rendered again in \d+ ms: \d+ events of vendor.created/);
    expect(await stored(id)).toMatchObject({ message: 'فروشنده: Taco Stand', messageEn: 'Vendor: Taco Stand' });

    await admin(api().delete('/events/templates/vendor.created/admin')).expect(204);
    await admin(api().delete('/events/templates/vendor.created/admin')).expect(404);
    const next = await events.publishEvent('vendor.created', { name: 'Bao Bus' }, { audience: 'admin' });
    expect((await stored(next.id)).messageEn).toBe('Vendor "Bao Bus" was created');
  });

  describe('GET /events/feed', () => {
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const publish = async (name: string, type: string, data: unknown, options: Parameters<EventsService['publishEvent']>[2]) => {
        ids[name] = (await events.publishEvent(type, data, options)).id;
        await stored(ids[name]);
      };
      await publish('placed', 'order.created', { orderId: 42, phone: PHONES.feedUser }, { actor: 'user-7', audience: 'user,admin' });
      await publish('smsLog', 'sms.sent', { to: PHONES.feedUser }, { actor: 'user-7', audience: 'admin' });
      await publish('other', 'order.created', { orderId: 43 }, { actor: 'user-8', audience: 'user' });
      await publish('aboutMe', 'payment.status_changed', { orderId: 42, newStatus: 'success', cardLast4: '4242' }, { resourceType: 'user', resourceId: 'user-7', audience: 'all', userMessage: 'Payment received, thank you!' });
      await publish('adminFirst', 'order.status_changed', { orderId: 42, oldStatus: 'Pending', newStatus: 'Started' }, { actor: 'user-7', audience: 'admin,user' });
    });

    const feed = (query: string, token?: string) => {
      const r = api().get(`/events/feed?${query}`);
      return token === undefined ? r : r.set('Authorization', `Bearer ${token}`);
    };

    it('returns only what the user may see, newest first, in their language, without the data', async () => {
      const res = await feed('userId=user-7&lang=fa', signFeedToken(SECRET, 'user-7', 300)).expect(200);
      expect(res.body.items.map((i: Item) => i.id)).toEqual([ids.adminFirst, ids.aboutMe, ids.placed]);
      expect(res.body.items).toEqual([
        expect.objectContaining({ type: 'order.status_changed', message: 'وضعیت سفارش #42 شما به Started تغییر کرد', dir: 'rtl', userMessage: null }),
        expect.objectContaining({ type: 'payment.status_changed', message: 'Payment received, thank you!', userMessage: 'Payment received, thank you!' }),
        expect.objectContaining({ type: 'order.created', message: 'سفارش #42 شما ثبت شد', category: 'Order' }),
      ]);
      for (const item of res.body.items) expect(Object.keys(item).sort()).toEqual(['category', 'dir', 'id', 'lang', 'level', 'message', 'time', 'type', 'userMessage']);
      expect(JSON.stringify(res.body)).not.toContain('4242');

      const en = await feed('userId=user-7&lang=en&limit=1', signFeedToken(SECRET, 'user-7', 300)).expect(200);
      expect(en.body.items).toEqual([expect.objectContaining({ message: 'Your order #42 is now Started', dir: 'ltr' })]);
      const more = await feed(`userId=user-7&lang=en&limit=5&cursor=${encodeURIComponent(en.body.nextCursor as string)}`, signFeedToken(SECRET, 'user-7', 300)).expect(200);
      expect(more.body.items.map((i: Item) => i.id)).toEqual([ids.aboutMe, ids.placed]);
      expect(more.body.nextCursor).toBeNull();
    });

    it('shows nothing without a valid, unexpired token issued for that user', async () => {
      const refusals: [string | undefined, string][] = [
        [undefined, 'A feed token is required'],
        [signFeedToken('another-secret-of-at-least-32-characters!', 'user-7', 300), 'the token signature is wrong'],
        [signFeedToken(SECRET, 'user-7', 300, Date.now() - 3_600_000), 'the token has expired'],
        [signFeedToken(SECRET, 'user-8', 300), 'the token was issued for another user'],
        [signFeedToken(SECRET, 'user-7', 86_400), 'the token lives longer than 600 s'],
        ['not-a-token', 'not a v1 feed token'],
      ];
      for (const [token, reason] of refusals) {
        const res = await feed('userId=user-7', token).expect(401);
        expect(res.body.message).toContain(reason);
        expect(JSON.stringify(res.body)).not.toContain('orderId');
      }
      await feed('lang=fa', signFeedToken(SECRET, 'user-7', 300)).expect(400);
    });
  });
});
