import request from 'supertest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CloudEvent } from '@app/events/internal';
import { ADMIN_KEYS, Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { dispatcherTestConfig, startDispatcher, type RunningDispatcher } from '../apps/webhook-dispatcher/test/support.js';
import { startSmsNotifier, testEventsConfig, type RunningSmsNotifier } from '../apps/sms-notifier/test/support.js';

// Refused admin calls on webhook-dispatcher and sms-notifier: EventsModule gives their API-key
// guard its reporter, so each refusal is an aggregated http.auth_failed; their request events
// (ServerLoggingModule) publish the let-through requests, never one per refusal.

const ADMIN = ADMIN_KEYS.authAttemptsApps;
const WRONG = ADMIN_KEYS.authAttemptsAppsWrong;
const WINDOW = '5s';

interface AuthFailed {
  method: string;
  route: string;
  reason: string;
  remote: string;
  count: number;
  window_end: string | null;
}

describe('refused API keys on webhook-dispatcher and sms-notifier as aggregated http.auth_failed events (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let dispatcherDb: TestDatabase;
  let smsDb: TestDatabase;
  let nc: NatsConnection;
  let dispatcher: RunningDispatcher;
  let sms: RunningSmsNotifier;
  const failures = new Collector<CloudEvent<AuthFailed>>();
  const requests = new Collector<CloudEvent<{ route: string; status: number }>>();
  const saved = { enabled: process.env.ENABLE_SERVER_LOGGING, window: process.env.SERVER_LOGGING_AUTH_WINDOW };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    [dispatcherDb, smsDb] = await Promise.all([TestDatabase.create('auth_attempts_dispatcher'), TestDatabase.create('auth_attempts_sms')]);
    nc = await connect({ servers: nats.url });
    nc.subscribe('events.http.auth_failed', { callback: (err, msg) => (err ? undefined : failures.push(msg.json())) });
    // `request_*` is no NATS wildcard (a `*` matches whole tokens only): the request events by their type.
    nc.subscribe('events.http.>', { callback: (err, msg) => (err || !msg.subject.startsWith('events.http.request_') ? undefined : requests.push(msg.json())) });
    await nc.flush();
    // Read when each app's module is built.
    process.env.ENABLE_SERVER_LOGGING = 'true';
    process.env.SERVER_LOGGING_AUTH_WINDOW = WINDOW;
    const dispatcherConfig = dispatcherTestConfig(nats, dispatcherDb);
    dispatcher = await startDispatcher({ ...dispatcherConfig, events: { ...dispatcherConfig.events, adminApiKey: ADMIN } });
    sms = await startSmsNotifier({ events: testEventsConfig(nats, smsDb, ADMIN) });
  });

  afterAll(async () => {
    for (const [k, v] of [['ENABLE_SERVER_LOGGING', saved.enabled], ['SERVER_LOGGING_AUTH_WINDOW', saved.window]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await sms?.close();
    await dispatcher?.close();
    await nc?.close();
    await nats?.close();
    await dispatcherDb?.drop();
    await smsDb?.drop();
  });

  const of = (source: string, route: string) => failures.items.filter((e) => e.source === source && e.data.route === route);

  it('publishes the first refusal per address and route at once, then one event per window with the count; never the key; no request event per refusal', async () => {
    // Let through: with ENABLE_SERVER_LOGGING on, each is an http.request_completed.
    await request(dispatcher.url).get('/webhooks/subscriptions').set('X-Api-Key', ADMIN).expect(200);
    await request(sms.url).get('/sms/rules').set('X-Api-Key', ADMIN).expect(200);

    await request(dispatcher.url).get('/webhooks/subscriptions').set('X-Api-Key', WRONG).expect(403);
    await request(sms.url).get('/sms/rules').expect(401);
    const firsts = await failures.waitForCount(2, 30_000);
    expect(firsts.find((e) => e.source === 'webhook-dispatcher')).toMatchObject({ level: 'warn', audience: 'admin', category: 'Security', data: { method: 'GET', route: '/webhooks/subscriptions', reason: 'wrong_key', count: 1, window_end: null } });
    expect(firsts.find((e) => e.source === 'sms-notifier')).toMatchObject({ level: 'warn', audience: 'admin', category: 'Security', data: { method: 'GET', route: '/sms/rules', reason: 'missing_key', count: 1, window_end: null } });
    expect(firsts.every((e) => /127\.0\.0\.1/.test(e.data.remote))).toBe(true);

    // Within the window: 4 more wrong keys to each app's route, one event with count 4 at its end.
    for (let i = 0; i < 4; i++) {
      await request(dispatcher.url).get('/webhooks/subscriptions').set('X-Api-Key', WRONG).expect(403);
      await request(sms.url).get('/sms/rules').set('X-Api-Key', WRONG).expect(403);
    }
    // A route with an id: reported by Nest's pattern, never the URL.
    await request(dispatcher.url).delete('/webhooks/subscriptions/00000000-0000-7000-8000-000000000000').set('X-Api-Key', WRONG).expect(403);
    await failures.waitForCount(5, 30_000);
    expect(of('webhook-dispatcher', '/webhooks/subscriptions').map((e) => e.data.count)).toEqual([1, 4]);
    expect(of('sms-notifier', '/sms/rules').map((e) => e.data.count)).toEqual([1, 4]);
    expect(of('sms-notifier', '/sms/rules')[1].data).toMatchObject({ reason: 'wrong_key', window_end: expect.any(String) as string });
    expect(of('webhook-dispatcher', '/webhooks/subscriptions/:id').map((e) => e.data)).toMatchObject([{ method: 'DELETE', reason: 'wrong_key', count: 1 }]);
    expect(JSON.stringify(failures.items)).not.toContain(WRONG);

    // The let-through requests are request events; the refused ones are not (counted above, aggregated).
    // Refusals come last and their auth events have arrived, so their request events would have too.
    for (const [source, route] of [['webhook-dispatcher', '/webhooks/subscriptions'], ['sms-notifier', '/sms/rules']]) {
      const done = await waitFor(() => requests.items.find((e) => e.source === source && e.type === 'http.request_completed' && e.data.route === route), { timeoutMs: 30_000, message: `no http.request_completed from ${source}` });
      expect(done!.data).toMatchObject({ status: 200 });
    }
    expect(requests.items.filter((e) => e.data.status === 401 || e.data.status === 403)).toEqual([]);
  });
});
