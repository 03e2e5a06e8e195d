import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ADMIN_API_ACTOR, type AuditData, type CloudEvent } from '@app/events/internal';
import { ADMIN_KEYS, adminRoutesOf, Collector, LogCapture, NatsServerHarness, PHONES, TestDatabase, waitFor } from '@app/testing';
import { AppModule as VendorModule } from '../apps/vendor-service/src/app.module.js';
import { configureApp as configureVendor } from '../apps/vendor-service/src/configure-app.js';
import { AppModule as StoreModule } from '../apps/event-store/src/app.module.js';
import { configureApp as configureStore } from '../apps/event-store/src/configure-app.js';
import { AppModule as SyncModule } from '../apps/search-sync/src/app.module.js';
import { configureApp as configureSync } from '../apps/search-sync/src/configure-app.js';
import { AppModule as DispatcherModule } from '../apps/webhook-dispatcher/src/app.module.js';
import { configureApp as configureDispatcher } from '../apps/webhook-dispatcher/src/configure-app.js';
import { AppModule as SmsModule } from '../apps/sms-notifier/src/app.module.js';
import { configureApp as configureSms } from '../apps/sms-notifier/src/configure-app.js';
import { InProcessApps } from './support/in-process-apps.js';

/**
 * Every admin write route of every app, found in each booted app's controller metadata (guard and
 * `@ApiKey('admin')`), is called once and must publish its `audit.*` event with the actor and the
 * target. A new admin route fails here until it has a call below and records its audit event (or
 * is marked `@AuditExempt` with the reason it changes nothing).
 */

const KEY = ADMIN_KEYS.auditTrail;
const PHONE = PHONES.auditOptOut;
const WAIT = { timeoutMs: 60_000 };

type Audit = CloudEvent<AuditData>;

interface Ctx {
  call(app: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; correlationId: string }>;
  /** The store's database, to seed history in bulk. */
  storeDb: TestDatabase;
  /** Resolves once the event store holds the event `id`. */
  stored(id: string): Promise<void>;
}

/** One call per admin route: what to send, and the audit action(s) each call must produce, in order. */
type Exercise = (ctx: Ctx) => Promise<Array<{ status: number; body?: unknown; action: string; actor?: string; correlationId: string }>>;

const HOOK = 'http://127.0.0.1:9/hook';
let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}-${Date.now()}`;

async function subscription(ctx: Ctx, eventTypes = ['audit_walk.*']): Promise<string> {
  const res = await ctx.call('webhook-dispatcher', 'POST', '/webhooks/subscriptions', { name: unique('walk'), url: HOOK, eventTypes });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function template(ctx: Ctx, key: string): Promise<void> {
  const res = await ctx.call('sms-notifier', 'PUT', `/sms/templates/${key}/en`, { body: 'Hello {{name}}', sampleData: { name: 'Ann' } });
  expect([200, 201]).toContain(res.status);
}

async function rule(ctx: Ctx): Promise<string> {
  await template(ctx, 'walk-rule');
  const res = await ctx.call('sms-notifier', 'POST', '/sms/rules', { name: unique('walk'), eventPattern: 'audit_walk.*', phonePath: 'data.phone', templateKey: 'walk-rule', defaultLocale: 'en' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function errorEvent(ctx: Ctx): Promise<string> {
  const id = unique('walk-error');
  const res = await ctx.call('event-store', 'POST', '/events', { id, type: 'audit_walk.failed', level: 'error', data: {} });
  expect(res.status).toBeLessThan(300);
  await ctx.stored(id);
  return id;
}

const EXERCISES: Record<string, Exercise> = {
  'event-store POST /events': async (ctx) => [{ ...(await ctx.call('event-store', 'POST', '/events', { type: 'audit_walk.one', data: {} })), action: 'events_ingested' }],
  'event-store POST /events/batch': async (ctx) => [
    { ...(await ctx.call('event-store', 'POST', '/events/batch', { events: [{ type: 'audit_walk.two', data: {} }] })), action: 'events_ingested' },
  ],
  'event-store POST /events/replay': async (ctx) => [{ ...(await ctx.call('event-store', 'POST', '/events/replay', { consumer: 'event-store', type: 'audit_walk.none' })), action: 'events_replayed' }],
  'event-store DELETE /events/replay/:jobId': async (ctx) => {
    // Enough history that the job is still running when it is cancelled.
    await ctx.storeDb.query(
      `INSERT INTO events (id, type, source, level, time, received_at, data)
       SELECT 'walk-job-' || g, 'audit_walk.bulk', 'seed', 'info', '2023-06-01T00:00:00Z'::timestamptz + g * interval '1 microsecond', now() - interval '1 second', '{}'::jsonb
       FROM generate_series(1, 30000) AS g`,
    );
    const job = await ctx.call('event-store', 'POST', '/events/replay', { consumer: 'event-store', type: 'audit_walk.bulk' }, { prefer: 'respond-async' });
    expect(job.status).toBe(202);
    // The job records its outcome when it stops, in the context of the request that started it.
    return [{ ...(await ctx.call('event-store', 'DELETE', `/events/replay/${job.body.jobId as string}`)), action: 'events_replayed', correlationId: job.correlationId }];
  },
  'event-store POST /events/client-keys': async (ctx) => [
    { ...(await ctx.call('event-store', 'POST', '/events/client-keys', { name: unique('walk'), origins: ['https://walk.example'], types: ['web.*'] })), action: 'client_key_created' },
  ],
  'event-store DELETE /events/client-keys/:id': async (ctx) => {
    const created = await ctx.call('event-store', 'POST', '/events/client-keys', { name: unique('walk'), origins: ['https://walk.example'], types: ['web.*'] });
    expect(created.status).toBe(201);
    return [{ ...(await ctx.call('event-store', 'DELETE', `/events/client-keys/${created.body.id as string}`)), action: 'client_key_revoked' }];
  },
  'event-store PATCH /events/:id/resolve': async (ctx) => {
    const id = await errorEvent(ctx);
    return [{ ...(await ctx.call('event-store', 'PATCH', `/events/${id}/resolve`, { by: 'walker' })), action: 'event_resolved', actor: 'walker' }];
  },
  'event-store PATCH /events/:id/unresolve': async (ctx) => {
    const id = await errorEvent(ctx);
    await ctx.call('event-store', 'PATCH', `/events/${id}/resolve`, {});
    return [{ ...(await ctx.call('event-store', 'PATCH', `/events/${id}/unresolve`, {})), action: 'event_unresolved' }];
  },
  'event-store POST /events/schemas': async (ctx) => [
    {
      ...(await ctx.call('event-store', 'POST', '/events/schemas', { type: `audit_walk.${unique('schema').replace(/-/g, '_')}`, version: 1, schema: { type: 'object' } })),
      action: 'event_schema_registered',
    },
  ],
  'webhook-dispatcher POST /webhooks/subscriptions': async (ctx) => [
    { ...(await ctx.call('webhook-dispatcher', 'POST', '/webhooks/subscriptions', { name: unique('walk'), url: HOOK, eventTypes: ['audit_walk.*'] })), action: 'subscription_created' },
  ],
  'webhook-dispatcher PATCH /webhooks/subscriptions/:id': async (ctx) => {
    const id = await subscription(ctx);
    const path = `/webhooks/subscriptions/${id}`;
    return [
      { ...(await ctx.call('webhook-dispatcher', 'PATCH', path, { description: 'walked' })), action: 'subscription_updated' },
      { ...(await ctx.call('webhook-dispatcher', 'PATCH', path, { active: false })), action: 'subscription_disabled' },
      { ...(await ctx.call('webhook-dispatcher', 'PATCH', path, { active: true })), action: 'subscription_enabled' },
    ];
  },
  'webhook-dispatcher DELETE /webhooks/subscriptions/:id': async (ctx) => [
    { ...(await ctx.call('webhook-dispatcher', 'DELETE', `/webhooks/subscriptions/${await subscription(ctx)}`)), action: 'subscription_deleted' },
  ],
  'webhook-dispatcher POST /webhooks/subscriptions/:id/rotate-secret': async (ctx) => [
    { ...(await ctx.call('webhook-dispatcher', 'POST', `/webhooks/subscriptions/${await subscription(ctx)}/rotate-secret`, {})), action: 'subscription_secret_rotated' },
  ],
  'webhook-dispatcher POST /webhooks/subscriptions/:id/recover': async (ctx) => {
    const id = await subscription(ctx);
    return [{ ...(await ctx.call('webhook-dispatcher', 'POST', `/webhooks/subscriptions/${id}/recover?since=2020-01-01T00:00:00Z`)), action: 'deliveries_recovered' }];
  },
  'webhook-dispatcher POST /webhooks/deliveries/:id/retry': async (ctx) => {
    const type = `audit_walk.${unique('retry').replace(/-/g, '_')}`;
    const subscriptionId = await subscription(ctx, [type]);
    await ctx.call('event-store', 'POST', '/events', { type, data: {} });
    const delivery = await waitFor(async () => {
      const list = await ctx.call('webhook-dispatcher', 'GET', `/webhooks/deliveries?subscriptionId=${subscriptionId}`);
      // Settled first (one attempt, to a closed port): a delivery being sent answers 409.
      const first = (list.body.items as Array<{ id: string; status: string }> | undefined)?.[0];
      return first?.status === 'failed' ? first.id : undefined;
    }, { ...WAIT, message: 'the subscription got no failed delivery' });
    return [{ ...(await ctx.call('webhook-dispatcher', 'POST', `/webhooks/deliveries/${delivery}/retry`)), action: 'delivery_retried' }];
  },
  'webhook-dispatcher POST /webhooks/test': async (ctx) => [{ ...(await ctx.call('webhook-dispatcher', 'POST', '/webhooks/test', { url: HOOK })), action: 'webhook_tested' }],
  'event-store PUT /events/templates/:type/:audience': async (ctx) => [
    { ...(await ctx.call('event-store', 'PUT', '/events/templates/audit_walk.saved/admin', { fa: 'رویداد {{data.n}}', en: 'Event {{data.n}}', sample: { n: 1 } })), action: 'template_saved' },
  ],
  'event-store DELETE /events/templates/:type/:audience': async (ctx) => {
    await ctx.call('event-store', 'PUT', '/events/templates/audit_walk.reset/admin', { fa: 'رویداد', en: 'Event', sample: {} });
    return [{ ...(await ctx.call('event-store', 'DELETE', '/events/templates/audit_walk.reset/admin')), action: 'template_deleted' }];
  },
  'event-store POST /events/templates/rerender': async (ctx) => [
    { ...(await ctx.call('event-store', 'POST', '/events/templates/rerender', { type: 'audit_walk.none' })), action: 'messages_rerendered' },
  ],
  'event-store POST /events/errors/groups/resolve': async (ctx) => {
    await errorEvent(ctx);
    return [
      { ...(await ctx.call('event-store', 'POST', '/events/errors/groups/resolve', { type: 'audit_walk.failed', message: '', by: 'walker' })), action: 'error_group_resolved', actor: 'walker' },
    ];
  },
  'search-sync POST /search/reindex': async (ctx) => [{ ...(await ctx.call('search-sync', 'POST', '/search/reindex?index=vendors')), action: 'reindex_started' }],
  'sms-notifier PUT /sms/templates/:key/:locale': async (ctx) => {
    const body = { body: 'Hi {{name}}', sampleData: { name: 'Ann' } };
    return [
      { ...(await ctx.call('sms-notifier', 'PUT', '/sms/templates/walk-put/en', body)), action: 'sms_template_created' },
      { ...(await ctx.call('sms-notifier', 'PUT', '/sms/templates/walk-put/en', { ...body, body: 'Hey {{name}}' })), action: 'sms_template_updated' },
    ];
  },
  'sms-notifier DELETE /sms/templates/:key/:locale': async (ctx) => {
    await template(ctx, 'walk-delete');
    return [{ ...(await ctx.call('sms-notifier', 'DELETE', '/sms/templates/walk-delete/en')), action: 'sms_template_deleted' }];
  },
  'sms-notifier POST /sms/rules': async (ctx) => {
    await template(ctx, 'walk-create');
    const body = { name: unique('walk'), eventPattern: 'audit_walk.*', phonePath: 'data.phone', templateKey: 'walk-create', defaultLocale: 'en' };
    return [{ ...(await ctx.call('sms-notifier', 'POST', '/sms/rules', body)), action: 'sms_rule_created' }];
  },
  'sms-notifier PATCH /sms/rules/:id': async (ctx) => [{ ...(await ctx.call('sms-notifier', 'PATCH', `/sms/rules/${await rule(ctx)}`, { enabled: false })), action: 'sms_rule_updated' }],
  'sms-notifier DELETE /sms/rules/:id': async (ctx) => [{ ...(await ctx.call('sms-notifier', 'DELETE', `/sms/rules/${await rule(ctx)}`)), action: 'sms_rule_deleted' }],
  'sms-notifier PUT /sms/opt-outs/:phone': async (ctx) => [{ ...(await ctx.call('sms-notifier', 'PUT', `/sms/opt-outs/${encodeURIComponent(PHONE)}`)), action: 'opt_out_added' }],
  'sms-notifier DELETE /sms/opt-outs/:phone': async (ctx) => {
    await ctx.call('sms-notifier', 'PUT', `/sms/opt-outs/${encodeURIComponent(PHONE)}`);
    return [{ ...(await ctx.call('sms-notifier', 'DELETE', `/sms/opt-outs/${encodeURIComponent(PHONE)}`)), action: 'opt_out_removed' }];
  },
  'console POST /api/dead-letters/redrive': async (ctx) => [
    { ...(await ctx.call('console', 'POST', '/api/dead-letters/redrive', { all: true, consumer: 'search-sync', type: 'audit_walk.none' })), action: 'dead_letters_redriven' },
  ],
  'console POST /api/dead-letters/purge': async (ctx) => [{ ...(await ctx.call('console', 'POST', '/api/dead-letters/purge', { type: 'audit_walk.none' })), action: 'dead_letters_purged' }],
};

describe('audit trail: every admin write route of every app records its audit event (real nats-server and PostgreSQL)', () => {
  const logs = new LogCapture();
  let nats: NatsServerHarness;
  let nc: NatsConnection;
  let storeDb: TestDatabase;
  let mesh: InProcessApps;
  const audits = new Collector<Audit>();

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    nc = await connect({ servers: nats.url });
    nc.subscribe('events.audit.>', {
      callback: (err, msg) => {
        if (!err) audits.push(msg.json<Audit>());
      },
    });
    await nc.flush();
    mesh = new InProcessApps(nats, KEY, logs);
    storeDb = await mesh.db('audit_walk_store');
    const storeUrl = await mesh.boot('event-store', configureStore(await mesh.nest(StoreModule.forRoot(await mesh.events(storeDb)))), true);
    await mesh.boot('vendor-service', configureVendor(await mesh.nest(VendorModule.forRoot(await mesh.events('audit_walk_vendors')))), false);
    await mesh.boot('search-sync', configureSync(await mesh.nest(SyncModule.forRoot({ events: await mesh.events('audit_walk_sync'), search: { provider: 'local', eventStoreUrl: storeUrl } }))), true);
    const webhooks = { allowPrivate: true, allowHttp: true, defaultMaxAttempts: 1 };
    await mesh.boot('webhook-dispatcher', configureDispatcher(await mesh.nest(DispatcherModule.forRoot({ events: await mesh.events('audit_walk_webhooks'), webhooks }))), true);
    await mesh.boot('sms-notifier', configureSms(await mesh.nest(SmsModule.forRoot({ events: await mesh.events('audit_walk_sms'), sms: { provider: 'console' } }))), true);
    await mesh.bootConsole();
  });

  afterAll(async () => {
    await mesh?.close();
    await nc?.close();
    await nats?.close();
  });

  const ctx: Ctx = {
    async call(app, method, path, body, headers = {}) {
      const base = mesh.url(app);
      // Each call its own correlation id: the audit event it causes must carry it (the request's context).
      const correlationId = unique('walk-call');
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'x-api-key': KEY, 'x-correlation-id': correlationId, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, correlationId };
    },
    get storeDb() {
      return storeDb;
    },
    async stored(id) {
      await waitFor(async () => (await ctx.call('event-store', 'GET', `/events/${encodeURIComponent(id)}`)).status === 200, { ...WAIT, message: `event ${id} was not stored` });
    },
  };

  it('finds the admin routes of every app in Nest\'s metadata, each with a call here or an @AuditExempt reason', () => {
    const routes = mesh.apps.flatMap((a) => adminRoutesOf(a.app).map((r) => ({ app: a.name, ...r })));
    const writes = routes.filter((r) => r.method !== 'GET');
    // Reads are not actions; a write without a call below (a new admin route) fails here.
    const missing = writes.filter((r) => !r.exempt && !EXERCISES[`${r.app} ${r.key}`]).map((r) => `${r.app} ${r.key} (${r.controller}.${r.handler})`);
    expect(missing).toEqual([]);
    expect(writes.filter((r) => r.exempt).map((r) => `${r.app} ${r.key}`).sort()).toEqual([
      'console POST /api/session',
      'event-store POST /events/schemas/check',
      'sms-notifier POST /sms/templates/:key/preview',
      'sms-notifier POST /sms/templates/preview',
    ]);
    // A call here for a route that no longer exists is a stale entry.
    const known = new Set(writes.map((r) => `${r.app} ${r.key}`));
    expect(Object.keys(EXERCISES).filter((k) => !known.has(k))).toEqual([]);
    expect(writes.length).toBeGreaterThanOrEqual(Object.keys(EXERCISES).length);
  });

  const routeKeys = Object.keys(EXERCISES);
  it.each(routeKeys)('%s records its audit event with actor, target and the change', async (key) => {
    const app = key.split(' ')[0];
    const from = audits.items.length;
    const calls = await EXERCISES[key](ctx);
    for (const c of calls) if (c.status < 200 || c.status >= 300) throw new Error(`${key} (for audit.${c.action}) answered ${c.status}: ${JSON.stringify(c.body)}`);
    const mine = await waitFor(
      () => {
        const seen = audits.items.slice(from).filter((a) => a.source === app);
        const wanted = calls.map((c) => c.action);
        const got = seen.map((a) => a.data.action).filter((a) => wanted.includes(a));
        return wanted.every((w) => got.includes(w)) ? seen : undefined;
      },
      { ...WAIT, message: `${key}: expected audit.${calls.map((c) => c.action).join(', audit.')}` },
    );
    for (const c of calls) {
      const event = mine!.find((a) => a.data.action === c.action)!;
      expect(event.type).toBe(`audit.${c.action}`);
      expect(event.actor).toBe(c.actor ?? ADMIN_API_ACTOR);
      expect(event.data).toMatchObject({ action: c.action, actor: c.actor ?? ADMIN_API_ACTOR, target: { type: expect.any(String) as string } });
      expect(event.resourcetype).toBe(event.data.target.type);
      expect(event.correlationid).toBe(c.correlationId);
      if (c.action.endsWith('_updated') || /_(enabled|disabled)$/.test(c.action)) {
        expect(event.data.before).toBeDefined();
        expect(event.data.after).toBeDefined();
        expect(event.data.before).not.toEqual(event.data.after);
      }
    }
  });

  it('keeps secrets and full phone numbers out of the audit events', () => {
    const text = JSON.stringify(audits.items);
    expect(audits.items.length).toBeGreaterThanOrEqual(routeKeys.length);
    expect(text).not.toMatch(/whsec_[A-Za-z0-9+/=]{16,}/);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(KEY);
    expect(audits.items.find((a) => a.data.action === 'opt_out_added')!.data.target.id).toMatch(/^\+98912\*+03$/);
  });
});
