import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Webhook } from 'standardwebhooks';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { API_KEY, dispatcherTestConfig, publishMany, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';

interface Envelope {
  id: string;
  type: string;
  data: { n: number };
}

describe('batched delivery (real nats-server, PostgreSQL and a local receiver)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcher: RunningDispatcher;
  let nc: NatsConnection;
  const receivers: Receiver[] = [];

  const api = () => request(dispatcher.url);
  const receiver = async () => {
    const r = await Receiver.start();
    receivers.push(r);
    return r;
  };
  const subscribe = async (body: Record<string, unknown>) => {
    const res = await api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'batch', ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string; batch: unknown };
  };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_batch');
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db));
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await dispatcher?.close();
    for (const r of receivers) await r.close();
    await nats?.close();
    await db?.drop();
  });

  it('250 events with maxEvents 100 arrive as 3 signed requests (100, 100, 50) that standardwebhooks verifies, each event once, in order', async () => {
    const r = await receiver();
    // maxWaitMs is long enough that the two full batches cannot have gone early, short enough for the last 50.
    const s = await subscribe({ url: r.url, eventTypes: ['stock.counted'], batch: { maxEvents: 100, maxWaitMs: 3_000 } });
    expect(s.batch).toEqual({ maxEvents: 100, maxWaitMs: 3_000 });
    const ids = await publishMany(nc, 'stock.counted', 250);

    const requests = await r.delivered.waitForCount(3, 30_000);
    // Nothing more comes: 3 requests carry all 250.
    await new Promise((res) => setTimeout(res, 1_000));
    expect(r.requests.items).toHaveLength(3);
    const wh = new Webhook(s.secret);
    const batches = requests.map((req) => ({ id: req.headers['webhook-id'], size: req.headers['webhook-batch-size'], events: wh.verify(req.body, req.headers) as Envelope[] }));
    expect(batches.map((b) => b.events.length)).toEqual([100, 100, 50]);
    expect(batches.map((b) => Number(b.size))).toEqual([100, 100, 50]);
    // The batch id is the webhook-id, its own (no event's), and differs per batch.
    expect(new Set(batches.map((b) => b.id)).size).toBe(3);
    for (const b of batches) expect(b.id).toMatch(/^batch_[0-9a-f-]{36}$/);
    // Each event once, with its id; the batches follow the fan-out's order (commit time, then id), not interleaved.
    const got = batches.flatMap((b) => b.events);
    expect(got.map((e) => e.id).sort()).toEqual([...ids].sort());
    const { rows } = await db.query(`SELECT event_id FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at, id`, [s.id]);
    expect(got.map((e) => e.id)).toEqual(rows.map((row) => row.event_id as string));
    // A tampered body fails verification, so the signature covers the whole array.
    expect(() => wh.verify(requests[0].body.replace(batches[0].events[0].id, batches[0].events[1].id), requests[0].headers)).toThrow();

    // Each delivery names its batch; the attempt log carries the batch's webhook-id.
    type Item = { eventId: string; batchId: string; status: string; attemptLog: { requestHeaders: Record<string, string> }[] };
    const items: Item[] = [];
    for (let cursor: string | undefined, page = 0; page < 10 && (page === 0 || cursor); page++) {
      const res = await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId: s.id, limit: 100, ...(cursor ? { cursor } : {}) }).expect(200);
      items.push(...(res.body.items as Item[]));
      cursor = res.body.nextCursor ?? undefined;
    }
    expect(items).toHaveLength(250);
    expect(items.every((d) => d.status === 'succeeded')).toBe(true);
    const batchOf = new Map(batches.flatMap((b) => b.events.map((e) => [e.id, b.id] as const)));
    for (const d of items) {
      expect(d.batchId).toBe(batchOf.get(d.eventId));
      expect(d.attemptLog.map((a) => a.requestHeaders['webhook-id'])).toEqual([d.batchId]);
    }
  });

  it('a failed batch is retried whole under the same id and signature scheme; the attempt log shows each attempt per member', async () => {
    const r = await receiver();
    r.reply = (n) => (n === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' });
    const s = await subscribe({ url: r.url, eventTypes: ['stock.moved'], batch: { maxEvents: 10, maxWaitMs: 500 } });
    const ids = await publishMany(nc, 'stock.moved', 10);
    const [ok] = await r.delivered.waitForCount(1, 30_000);
    const [first, second] = r.requests.items;
    expect(second).toBe(ok);
    // Same batch id both times, and both verify.
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    const wh = new Webhook(s.secret);
    const firstIds = (wh.verify(first.body, first.headers) as Envelope[]).map((e) => e.id);
    expect([...firstIds].sort()).toEqual([...ids].sort());
    expect((wh.verify(second.body, second.headers) as Envelope[]).map((e) => e.id)).toEqual(firstIds);

    type Item = { status: string; attempts: number; attemptLog: { attempt: number; responseStatus: number }[] };
    const items = await waitFor(async () => {
      const res = await api().get('/webhooks/deliveries').set('X-Api-Key', API_KEY).query({ subscriptionId: s.id }).expect(200);
      const list = res.body.items as Item[];
      return list.length === 10 && list.every((d) => d.status === 'succeeded') ? list : undefined;
    });
    for (const d of items ?? []) {
      expect(d.attempts).toBe(2);
      expect(d.attemptLog.map((a) => [a.attempt, a.responseStatus])).toEqual([[1, 503], [2, 200]]);
    }
    // One request is one attempt for the subscription's failure count: one failure, then reset by the success.
    const sub = (await api().get(`/webhooks/subscriptions/${s.id}`).set('X-Api-Key', API_KEY).expect(200)).body;
    expect(sub.consecutiveFailures).toBe(0);
  });

  it('a batch smaller than maxEvents goes once its oldest event has waited maxWaitMs', async () => {
    const r = await receiver();
    await subscribe({ url: r.url, eventTypes: ['stock.aged'], batch: { maxEvents: 50, maxWaitMs: 1_500 } });
    const started = Date.now();
    await publishMany(nc, 'stock.aged', 7);
    const [req] = await r.delivered.waitForCount(1, 30_000);
    expect(JSON.parse(req.body)).toHaveLength(7);
    // Not before maxWaitMs (from the events' fan-out, which is after `started`).
    expect(req.at - started).toBeGreaterThanOrEqual(1_400);
  });

  it('a batch cut off by shutdown is released, not logged, and sent again whole under the same id', async () => {
    // Its own nats-server, database and dispatcher, so the shared one cannot claim the batch meanwhile.
    const ownNats = await NatsServerHarness.start();
    const ownDb = await TestDatabase.create('webhook_batch_shutdown');
    const r = await receiver();
    let hang = true;
    r.reply = () => (hang ? { status: 200, hang: true } : { status: 200, body: 'ok' });
    try {
      const config = dispatcherTestConfig(ownNats, ownDb, { shutdownGraceMs: 300 });
      const first = await startDispatcher(config);
      const res = await request(first.url).post('/webhooks/subscriptions').set('X-Api-Key', API_KEY)
        .send({ name: 'batch', url: r.url, eventTypes: ['stock.cut'], batch: { maxEvents: 5, maxWaitMs: 0 }, timeoutMs: 30_000 }).expect(201);
      const ownNc = await connect({ servers: ownNats.url });
      await publishMany(ownNc, 'stock.cut', 5);
      await ownNc.close();
      const [cut] = await r.requests.waitForCount(1, 30_000);
      await first.close();
      const { rows } = await ownDb.query(
        `SELECT count(*) FILTER (WHERE leased_until IS NULL AND status = 'pending' AND attempts = 0)::int AS released, count(DISTINCT batch_id)::int AS batches,
           (SELECT count(*)::int FROM webhook_attempts) AS logged
         FROM webhook_deliveries WHERE subscription_id = $1`,
        [res.body.id],
      );
      expect(rows[0]).toEqual({ released: 5, batches: 1, logged: 0 });

      hang = false;
      const second = await startDispatcher(config);
      try {
        const [ok] = await r.delivered.waitForCount(1, 30_000);
        expect(ok.headers['webhook-id']).toBe(cut.headers['webhook-id']);
        const wh = new Webhook(res.body.secret);
        expect((wh.verify(ok.body, ok.headers) as Envelope[]).map((e) => e.id)).toEqual((JSON.parse(cut.body) as Envelope[]).map((e) => e.id));
      } finally {
        await second.close();
      }
    } finally {
      await ownNats.close();
      await ownDb.drop();
    }
  });

  it('refuses a bad batch, and batch with fifo or a rate limit, with a 400 naming the field', async () => {
    const post = (extra: object) => api().post('/webhooks/subscriptions').set('X-Api-Key', API_KEY).send({ name: 'x', url: 'http://127.0.0.1:9/hook', eventTypes: ['*'], ...extra });
    expect((await post({ batch: { maxEvents: 0 } }).expect(400)).body.message).toContain('batch.maxEvents must be an integer from 1 to 1000');
    expect((await post({ batch: { maxEvents: 10, maxWaitMs: -1 } }).expect(400)).body.message).toContain('batch.maxWaitMs must be an integer from 0 to 60000 (ms)');
    expect((await post({ batch: { maxEvents: 10, size: 3 } }).expect(400)).body.message).toContain('batch.size is not a batch setting (maxEvents, maxWaitMs)');
    expect((await post({ batch: [] }).expect(400)).body.message).toContain('batch must be an object { maxEvents, maxWaitMs? } or null');
    expect((await post({ batch: { maxEvents: 10 }, ordering: 'fifo' }).expect(400)).body.message).toContain('batch cannot be combined with ordering "fifo": a batch is one request for many keys; use one or the other');
    expect((await post({ batch: { maxEvents: 10 }, rateLimitPerSecond: 5 }).expect(400)).body.message).toContain('batch cannot be combined with rateLimitPerSecond: a batch subscription sends one request at a time');
    const ok = await post({ batch: { maxEvents: 10 } }).expect(201);
    expect(ok.body.batch).toEqual({ maxEvents: 10, maxWaitMs: 1_000 });
    // A PATCH that would combine them is refused the same way; null turns batching off.
    const patch = (body: object) => api().patch(`/webhooks/subscriptions/${ok.body.id}`).set('X-Api-Key', API_KEY).send(body);
    expect((await patch({ ordering: 'fifo' }).expect(400)).body.message).toContain('batch cannot be combined with ordering "fifo": a batch is one request for many keys; use one or the other');
    expect((await patch({ batch: null }).expect(200)).body.batch).toBeNull();
    expect((await patch({ ordering: 'fifo' }).expect(200)).body.ordering).toBe('fifo');
  });
});
