import request from 'supertest';
import { connect, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { DEFAULT_EVENT_MAX_BYTES, SchemaRegistry } from '@app/events/internal';
import type { CloudEvent } from '@app/events/internal';
import { Collector, NatsServerHarness, TestDatabase } from '@app/testing';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = 'ingest-suite-admin-key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TYPE_RULE = 'type: must be lowercase "resource.action" tokens of [a-z0-9_-] joined by dots, e.g. "vendor.created"';

interface Received {
  subject: string;
  headers?: MsgHdrs;
  event: CloudEvent;
}

describe('event-store HTTP ingest (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_ingest');
    store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: ADMIN }));
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await store?.close();
    await nats?.close();
    await db?.drop();
  });

  const post = (path: string, body: unknown) => request(store.url).post(path).set('X-Api-Key', ADMIN).send(body as object);

  /**
   * What is published on `events.>` from now on; `untilAudit()` returns the messages up to and
   * including the next `audit.events_ingested`, since a call's events are published before its audit event.
   */
  async function watch(): Promise<{ untilAudit(): Promise<Received[]>; stop(): void }> {
    const received = new Collector<Received>();
    const sub = nc.subscribe('events.>', {
      callback: (err, msg) => {
        if (err) return;
        const event = msg.json<CloudEvent>();
        // Other admin actions of the app (retention runs) are not this suite's business.
        if (event.type.startsWith('audit.') && event.type !== 'audit.events_ingested') return;
        received.push({ subject: msg.subject, headers: msg.headers, event });
      },
    });
    await nc.flush();
    let taken = 0;
    return {
      async untilAudit() {
        for (let n = taken + 1; ; n++) {
          const items = await received.waitForCount(n);
          if (items[n - 1].event.type !== 'audit.events_ingested') continue;
          const mine = items.slice(taken, n);
          taken = n;
          return mine;
        }
      },
      stop: () => sub.unsubscribe(),
    };
  }

  it('publishes one event to events.<type> as a CloudEvents envelope with every field given, and answers its id', async () => {
    const sub = await watch();
    try {
      const body = {
        type: 'signup.completed',
        data: { plan: 'pro', seats: 3 },
        source: 'mobile-app',
        subject: 'user-1',
        time: '2025-03-01T10:00:00.000Z',
        level: 'warn',
        resourceType: 'user',
        resourceId: 'user-1',
        actor: 'ana',
        audience: 'admin',
        correlationId: 'corr-1',
        causationId: 'cause-1',
      };
      const res = await post('/events', body).expect(200);
      expect(res.body).toEqual({ results: [{ index: 0, ok: true, id: expect.stringMatching(UUID), queued: false }], accepted: 1, rejected: 0 });
      const id = res.body.results[0].id as string;

      const [published, audit, ...rest] = await sub.untilAudit();
      expect(rest).toEqual([]);
      expect(published.subject).toBe('events.signup.completed');
      expect(published.event).toEqual({
        specversion: '1.0',
        id,
        source: 'mobile-app',
        type: 'signup.completed',
        time: '2025-03-01T10:00:00.000Z',
        subject: 'user-1',
        datacontenttype: 'application/json',
        data: { plan: 'pro', seats: 3 },
        level: 'warn',
        resourcetype: 'user',
        resourceid: 'user-1',
        actor: 'ana',
        audience: 'admin',
        correlationid: 'corr-1',
        causationid: 'cause-1',
      });
      expect(published.headers?.get('Nats-Msg-Id')).toBe(id);
      expect(published.headers?.get('Content-Type')).toBe('application/cloudevents+json');
      expect(audit.event).toMatchObject({ type: 'audit.events_ingested', source: 'event-store', data: { accepted: 1, rejected: 0 } });
    } finally {
      sub.stop();
    }
  });

  it('records the call as X-Audit-Actor says (a tool acting for its client), and refuses a bad one by name', async () => {
    const audited = new Collector<CloudEvent>();
    const sub = nc.subscribe('events.audit.events_ingested', { callback: (err, msg) => void (err || audited.push(msg.json<CloudEvent>())) });
    await nc.flush();
    try {
      await request(store.url).post('/events').set('X-Api-Key', ADMIN).set('X-Audit-Actor', 'mcp:ingest-suite').send({ type: 'audit_actor.checked', data: {} }).expect(200);
      const [event] = await audited.waitForCount(1, 60_000);
      expect(event.actor).toBe('mcp:ingest-suite');
      expect((event.data as { actor: string }).actor).toBe('mcp:ingest-suite');
      const bad = await request(store.url).post('/events').set('X-Api-Key', ADMIN).set('X-Audit-Actor', 'x'.repeat(201)).send({ type: 'audit_actor.checked', data: {} }).expect(400);
      expect(bad.body.message).toContain('X-Audit-Actor must be 1 to 200 printable ASCII characters');
    } finally {
      sub.unsubscribe();
    }
  });

  it('fills in source http-ingest, level info, the time and a UUID for an event of only type and data', async () => {
    const sub = await watch();
    try {
      const before = Date.now();
      const res = await post('/events', { type: 'page.viewed', data: null }).expect(200);
      const [published] = await sub.untilAudit();
      expect(published.event).toEqual({
        specversion: '1.0',
        id: res.body.results[0].id,
        // The request's context: its first event starts the story.
        correlationid: res.body.results[0].id,
        source: 'http-ingest',
        type: 'page.viewed',
        time: expect.any(String),
        datacontenttype: 'application/json',
        data: null,
        level: 'info',
      });
      expect(published.event.id).toMatch(UUID);
      expect(Date.parse(published.event.time)).toBeGreaterThanOrEqual(before);
    } finally {
      sub.stop();
    }
  });

  it('keeps a retried event with the same id once in the EVENTS stream, answering duplicate for the retry', async () => {
    const id = crypto.randomUUID();
    const event = { id, type: 'payment.retried', data: { amount: 5 } };
    expect((await post('/events', event).expect(200)).body.results).toEqual([{ index: 0, ok: true, id, queued: false }]);
    expect((await post('/events/batch', { events: [event] }).expect(200)).body.results).toEqual([
      { index: 0, ok: true, id, queued: false, duplicate: true },
    ]);
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info('EVENTS', { subjects_filter: 'events.payment.retried' });
    expect(info.state.subjects).toEqual({ 'events.payment.retried': 1 });
    const stored = await jsm.streams.getMessage('EVENTS', { last_by_subj: 'events.payment.retried' });
    expect(stored?.json<CloudEvent>()).toMatchObject({ id, type: 'payment.retried', data: { amount: 5 } });
  });

  it('takes any CloudEvents id a client chose (NUID, ULID, order-42) and refuses one over 256 characters by name', async () => {
    for (const id of ['oDFKhn1ZQTIohvkNHqP6RY', '01JDQ8Z1V7M6Y0S2E3K4N5P6Q7', `order-${Date.now()}`]) {
      expect((await post('/events', { id, type: 'order.placed', data: {} }).expect(200)).body.results).toEqual([{ index: 0, ok: true, id, queued: false }]);
    }
    const res = await post('/events', { id: 'x'.repeat(257), type: 'order.placed', data: {} }).expect(400);
    expect(res.body).toMatchObject({ field: 'id', message: expect.stringContaining('id: must be shorter than or equal to 256 characters') });
  });

  it('publishes only the valid events of a mixed batch, in order, and answers each one by index', async () => {
    await store.app.get(SchemaRegistry).register('invoice.issued', 1, {
      type: 'object',
      required: ['amount'],
      properties: { amount: { type: 'number' } },
    });
    const sub = await watch();
    try {
      const res = await post('/events/batch', {
        events: [
          { type: 'cart.updated', data: { items: 1 } },
          { type: 'Cart Updated', data: {} },
          { type: 'cart.checked_out' },
          { type: 'invoice.issued', data: { amount: 10 }, resourceType: 'invoice', resourceId: 'inv-1' },
          { type: 'invoice.issued', data: { amount: 'ten' } },
          { type: 'cart.updated', data: {}, colour: 'red', level: 'loud' },
          'cart.updated',
        ],
      }).expect(200);
      expect(res.body).toEqual({
        results: [
          { index: 0, ok: true, id: expect.stringMatching(UUID), queued: false },
          { index: 1, ok: false, errors: [TYPE_RULE] },
          { index: 2, ok: false, errors: ['data: is required (any JSON value, e.g. {})'] },
          { index: 3, ok: true, id: expect.stringMatching(UUID), queued: false },
          { index: 4, ok: false, errors: ['data.amount: must be number (mesh:schema:invoice.issued:v1)'] },
          {
            index: 5,
            ok: false,
            errors: ['level: must be one of debug, info, success, warn, error', expect.stringMatching(/^colour: is not an event field; use type, data, id, source/)],
          },
          { index: 6, ok: false, errors: ['event: must be a JSON object with at least "type" and "data"'] },
        ],
        accepted: 2,
        rejected: 5,
      });

      const received = await sub.untilAudit();
      expect(received.map((m) => [m.subject, m.event.id])).toEqual([
        ['events.cart.updated', res.body.results[0].id],
        ['events.invoice.issued', res.body.results[3].id],
        ['events.audit.events_ingested', expect.any(String)],
      ]);
      expect(received[1].event).toMatchObject({ dataschema: 'mesh:schema:invoice.issued:v1', resourcetype: 'invoice', resourceid: 'inv-1' });
      expect(received[2].event.data).toEqual({ action: 'events_ingested', actor: 'admin-api', target: { type: 'event-store' }, accepted: 2, rejected: 5 });
    } finally {
      sub.stop();
    }
  });

  it('answers 400 with the results when no event is valid, the message naming the field', async () => {
    const sub = await watch();
    try {
      const one = await post('/events', { type: 'vendor', data: {} }).expect(400);
      expect(one.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `The event was rejected: ${TYPE_RULE}`,
        field: 'type',
        results: [{ index: 0, ok: false, errors: [TYPE_RULE] }],
        accepted: 0,
        rejected: 1,
      });
      const missing = await post('/events', { type: 'vendor.created' }).expect(400);
      expect(missing.body.message).toBe('The event was rejected: data: is required (any JSON value, e.g. {})');

      const all = await post('/events/batch', { events: [{ data: 1 }, { type: 'x.y', data: 1, time: 'noon' }] }).expect(400);
      expect(all.body).toMatchObject({
        message: 'All 2 events were rejected; see each result\'s errors',
        results: [
          { index: 0, ok: false, errors: ['type: is required'] },
          { index: 1, ok: false, errors: ['time: must be an RFC 3339 timestamp with its offset, e.g. 2025-03-01T10:00:00Z'] },
        ],
        accepted: 0,
        rejected: 2,
      });
      // Nothing but the three calls' audit events was published.
      await post('/events', { type: 'marker.sent', data: {} }).expect(200);
      const received = [...(await sub.untilAudit()), ...(await sub.untilAudit()), ...(await sub.untilAudit()), ...(await sub.untilAudit())];
      expect(received.map((m) => m.event.type).filter((t) => t !== 'audit.events_ingested')).toEqual(['marker.sent']);
    } finally {
      sub.stop();
    }
  });

  it('refuses a malformed body with a 400 that says what to send', async () => {
    expect((await post('/events/batch', {}).expect(400)).body.message).toBe('events must be an array of events');
    expect((await post('/events/batch', { events: [] }).expect(400)).body.message).toBe('events must contain at least one event');
    expect((await post('/events/batch', { events: [{ type: 'x.y', data: 1 }], dryRun: true }).expect(400)).body.message).toEqual([
      'property dryRun should not exist',
    ]);
    expect((await post('/events/batch', [{ type: 'x.y', data: 1 }]).expect(400)).body.message).toMatch(/^The body must be \{"events": \[\.\.\.\]\}/);
    expect((await post('/events', [{ type: 'x.y', data: 1 }]).expect(400)).body.message).toMatch(/^The body must be one event as a JSON object/);
    const text = await request(store.url).post('/events').set('X-Api-Key', ADMIN).set('Content-Type', 'text/plain').send('x.y').expect(415);
    expect(text.body.message).toMatch(/Content-Type: application\/json/);
  });

  it('refuses a batch over INGEST_MAX_BATCH (500) with a 400 naming the limit', async () => {
    const events = Array.from({ length: 501 }, (_, i) => ({ type: 'bulk.loaded', data: { i } }));
    const res = await post('/events/batch', { events }).expect(400);
    expect(res.body.message).toBe('events has 501 items; the limit is 500 per request (INGEST_MAX_BATCH): split the batch');
  });

  it('accepts a body over the 100kb of Nest\'s default parser, up to INGEST_MAX_BODY_BYTES (1 MiB)', async () => {
    const events = Array.from({ length: 6 }, (_, i) => ({ type: 'blob.uploaded', data: { i, text: 'x'.repeat(100_000) } }));
    const res = await post('/events/batch', { events }).expect(200);
    expect(res.body).toMatchObject({ accepted: 6, rejected: 0 });
  });

  it('refuses a body over INGEST_MAX_BODY_BYTES with a 413 naming the limit', async () => {
    const events = Array.from({ length: 12 }, (_, i) => ({ type: 'blob.uploaded', data: { i, text: 'x'.repeat(100_000) } }));
    const body = JSON.stringify({ events });
    const res = await request(store.url).post('/events/batch').set('X-Api-Key', ADMIN).set('Content-Type', 'application/json').send(body).expect(413);
    expect(res.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: `The request body is ${Buffer.byteLength(body)} bytes, over the limit of 1048576 bytes (INGEST_MAX_BODY_BYTES): send a smaller body`,
    });
  });

  it('refuses an event over EVENT_MAX_BYTES with a 413 naming the limit in bytes, alone or as a whole batch of such', async () => {
    const sub = await watch();
    try {
      const big = { type: 'blob.uploaded', data: { text: 'x'.repeat(DEFAULT_EVENT_MAX_BYTES) } };
      const one = await post('/events', big).expect(413);
      expect(one.body).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: expect.stringMatching(/^The event was rejected: event: the event is \d+ bytes, over the limit of 262144 bytes \(EVENT_MAX_BYTES\)/),
        limitBytes: 262144,
        results: [{ index: 0, ok: false, reason: 'too_large', limitBytes: 262144, errors: [expect.stringContaining('over the limit of 262144 bytes')] }],
        accepted: 0,
        rejected: 1,
      });
      const all = await post('/events/batch', { events: [big, big] }).expect(413);
      expect(all.body).toMatchObject({
        message: "All 2 events were rejected: each is over the limit of 262144 bytes (EVENT_MAX_BYTES); see each result's errors",
        limitBytes: 262144,
        accepted: 0,
        rejected: 2,
      });
      // Size and another reason together are a 400: the client has more than size to fix.
      const mixed = await post('/events/batch', { events: [big, { type: 'Bad Type', data: {} }] }).expect(400);
      expect(mixed.body.results.map((r: { reason?: string }) => r.reason)).toEqual(['too_large', undefined]);
      await post('/events', { type: 'marker.sent', data: {} }).expect(200);
      const received = [...(await sub.untilAudit()), ...(await sub.untilAudit()), ...(await sub.untilAudit()), ...(await sub.untilAudit())];
      expect(received.map((m) => m.event.type).filter((t) => t !== 'audit.events_ingested')).toEqual(['marker.sent']);
    } finally {
      sub.stop();
    }
  });

  it('publishes the rest of a batch with one event over EVENT_MAX_BYTES, and names that item by index', async () => {
    const big = { type: 'blob.uploaded', data: { text: 'x'.repeat(DEFAULT_EVENT_MAX_BYTES) } };
    const res = await post('/events/batch', { events: [{ type: 'blob.uploaded', data: { n: 0 } }, big, { type: 'blob.uploaded', data: { n: 2 } }] }).expect(200);
    expect(res.body).toEqual({
      results: [
        { index: 0, ok: true, id: expect.stringMatching(UUID), queued: false },
        { index: 1, ok: false, reason: 'too_large', limitBytes: 262144, errors: [expect.stringMatching(/^event: the event is \d+ bytes, over the limit of 262144 bytes/)] },
        { index: 2, ok: true, id: expect.stringMatching(UUID), queued: false },
      ],
      accepted: 2,
      rejected: 1,
    });
  });

  it('requires the admin key: 401 without X-Api-Key, 403 with a wrong one', async () => {
    const event = { type: 'x.y', data: 1 };
    for (const path of ['/events', '/events/batch']) {
      const body = path === '/events' ? event : { events: [event] };
      const missing = await request(store.url).post(path).send(body).expect(401);
      expect(missing.body.message).toBe('Missing X-Api-Key header');
      const wrong = await request(store.url).post(path).set('X-Api-Key', `${ADMIN}-not`).send(body).expect(403);
      expect(wrong.body.message).toBe('Wrong X-Api-Key');
    }
  });

  // Last: it spends the key's allowance for the next minute.
  it('answers 429 with Retry-After once the key has used its 600 events a minute, publishing none of that request', async () => {
    const sub = await watch();
    try {
      const events = (tag: string) => Array.from({ length: 500 }, (_, i) => ({ type: 'burst.sent', data: { tag, i } }));
      expect((await post('/events/batch', { events: events('first') }).expect(200)).body).toMatchObject({ accepted: 500 });
      const limited = await post('/events/batch', { events: events('second') }).expect(429);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `Rate limit of 600 events per minute per API key (INGEST_RATE_LIMIT_PER_MINUTE) reached: this request has 500 events; retry after ${retryAfter} s`,
      });
      await post('/events/batch', { events: events('third') }).expect(429);

      const received = await sub.untilAudit();
      expect(received).toHaveLength(501);
      expect(new Set(received.slice(0, 500).map((m) => (m.event.data as { tag: string }).tag))).toEqual(new Set(['first']));
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info('EVENTS', { subjects_filter: 'events.burst.sent' });
      expect(info.state.subjects).toEqual({ 'events.burst.sent': 500 });
    } finally {
      sub.stop();
    }
  });
});
