import request from 'supertest';
import { EventsService } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';
import type { SubscriptionHealthView } from '../src/subscription-health/subscription-health.views.js';

const SLOW_MS = 600;

describe('per-subscription health (real nats-server, PostgreSQL and receivers answering known statuses and delays)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let events: EventsService;
  const receivers: Receiver[] = [];

  const api = () => request(dispatcher.url);
  const receiver = async () => {
    const r = await Receiver.start();
    receivers.push(r);
    return r;
  };
  const subscribe = async (body: Record<string, unknown>) =>
    (await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'health', eventTypes: ['probe.sent'], ...body }).expect(201)).body as { id: string };
  const health = async (id: string) => (await api().get(`/webhooks/subscriptions/${id}/health`).set('X-Api-Key', API_KEY).expect(200)).body as SubscriptionHealthView;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_health');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db));
    events = dispatcher.app.get(EventsService);
  });

  afterAll(async () => {
    await dispatcher?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  it('success rate, p50/p95, last error, gaps and backlog per window, against known answers', async () => {
    // 16 fast 200s, 2 slow 200s (SLOW_MS), 2 fast 500s: 18 of 20 succeed; p50 is a fast one, p95 (the 19th of 20) a slow one.
    const measured = await receiver();
    measured.reply = (_n, req) => {
      const kind = (JSON.parse(req.body) as { data: { kind: string } }).data.kind;
      if (kind === 'bad') return { status: 500, body: 'broken' };
      return kind === 'slow' ? { status: 200, delayMs: SLOW_MS } : { status: 200 };
    };
    const s = await subscribe({ url: measured.url, maxAttempts: 1 });
    // Backlog: one disabled (its deliveries wait paused), one told to come back in an hour (pending, not due).
    const paused = await subscribe({ url: measured.url, active: false });
    const later = await receiver();
    later.reply = () => ({ status: 503, headers: { 'retry-after': '3600' } });
    const deferred = await subscribe({ url: later.url, maxAttempts: 3 });

    const kinds = [...Array(16).fill('fast'), 'slow', 'slow', 'bad', 'bad'];
    for (const kind of kinds) await events.publishEvent('probe.sent', { kind });
    await waitFor(() => measured.requests.items.filter((r) => r.status !== undefined).length === 20 && later.requests.items.length === 20, { timeoutMs: 30_000 });
    const h = await waitFor(async () => {
      const got = await health(s.id);
      return got.day.attempts === 20 && (await health(deferred.id)).backlog.pending === 20 && got;
    }, { timeoutMs: 15_000 });
    if (!h) throw new Error('unreachable');

    expect(h).toMatchObject({ subscriptionId: s.id, name: 'health', active: true, backlog: { pending: 0, paused: 0, oldestDueSeconds: null } });
    for (const w of [h.hour, h.day]) {
      expect(w).toMatchObject({ attempts: 20, succeeded: 18, failed: 2, successRate: 0.9, orderingGaps: 0 });
      expect(w.p50Ms).toBeLessThan(SLOW_MS);
      expect(w.p95Ms).toBeGreaterThanOrEqual(SLOW_MS);
      expect(w.lastError).toMatchObject({ status: 500, error: null, deliveryId: expect.any(String) });
    }
    const failed = (await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId: s.id, status: 'failed' }).expect(200)).body.items as { id: string }[];
    expect(failed.map((d) => d.id)).toContain(h.day.lastError!.deliveryId);

    expect((await health(paused.id)).backlog).toEqual({ pending: 0, paused: 20, oldestDueSeconds: null });
    const d = await health(deferred.id);
    expect(d.backlog).toEqual({ pending: 20, paused: 0, oldestDueSeconds: null });
    expect(d.day).toMatchObject({ attempts: 20, succeeded: 0, successRate: 0, lastError: { status: 503 } });

    // The two failures happened two hours ago: they leave the hour and stay in the day.
    await db.query(`UPDATE webhook_attempts SET started_at = started_at - interval '2 hours' WHERE subscription_id = $1 AND response_status = 500`, [s.id]);
    const moved = await health(s.id);
    expect(moved.hour).toMatchObject({ attempts: 18, succeeded: 18, failed: 0, successRate: 1, lastError: null });
    expect(moved.day).toMatchObject({ attempts: 20, succeeded: 18, successRate: 0.9, lastError: { status: 500 } });
    // Older than a day: gone from both.
    await db.query(`UPDATE webhook_attempts SET started_at = started_at - interval '1 day' WHERE subscription_id = $1`, [deferred.id]);
    expect((await health(deferred.id)).day).toEqual({ attempts: 0, succeeded: 0, failed: 0, successRate: null, p50Ms: null, p95Ms: null, lastError: null, orderingGaps: 0 });

    // All at once, newest subscription first, for the console.
    const all = (await api().get('/webhooks/health').set('X-Api-Key', API_KEY).expect(200)).body.items as SubscriptionHealthView[];
    expect(all.map((x) => x.subscriptionId)).toEqual([deferred.id, paused.id, s.id]);
    expect(all[2]).toEqual(moved);
  });

  it('counts given-up fifo deliveries as ordering gaps; 404 for an unknown subscription, 400 for a bad id', async () => {
    const r = await receiver();
    r.reply = () => ({ status: 422 });
    const s = await subscribe({ url: r.url, eventTypes: ['gap.made'], ordering: 'fifo', maxAttempts: 1 });
    for (let i = 0; i < 3; i++) await events.publishEvent('gap.made', { i });
    const h = await waitFor(async () => {
      const got = await health(s.id);
      return got.day.orderingGaps === 3 && got;
    }, { timeoutMs: 15_000 });
    expect(h && h.hour.orderingGaps).toBe(3);
    await api().get('/webhooks/subscriptions/00000000-0000-4000-8000-000000000000/health').set('X-Api-Key', API_KEY).expect(404);
    const bad = await api().get('/webhooks/subscriptions/nope/health').set('X-Api-Key', API_KEY).expect(400);
    expect(JSON.stringify(bad.body)).toContain('id');
  });
});
