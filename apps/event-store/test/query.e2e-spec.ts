import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { CloudEvent, SchemaRegistry, uuidv7 } from '@app/events';
import { Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

/** A row of the `events` table as a test writes it; the columns left out take their defaults. */
interface SeedRow {
  id?: string;
  streamSeq?: number | null;
  type: string;
  source?: string;
  subject?: string;
  resourceType?: string;
  resourceId?: string;
  level?: 'debug' | 'info' | 'warn' | 'error';
  audience?: string;
  actor?: string;
  correlationId?: string;
  causationId?: string;
  dataschema?: string;
  time: string;
  data?: unknown;
  extensions?: Record<string, unknown>;
  resolved?: boolean;
  resolvedAt?: string;
  resolvedBy?: string;
}

/** Inserts rows straight into `events` (the writer is not involved), one statement; returns their ids. */
async function seedEvents(db: TestDatabase, rows: SeedRow[]): Promise<string[]> {
  const records = rows.map((r) => ({
    id: r.id ?? uuidv7(),
    stream_seq: r.streamSeq ?? null,
    type: r.type,
    source: r.source ?? 'query-test',
    subject: r.subject ?? null,
    resource_type: r.resourceType ?? null,
    resource_id: r.resourceId ?? null,
    level: r.level ?? 'info',
    audience: r.audience ?? null,
    actor: r.actor ?? null,
    correlation_id: r.correlationId ?? null,
    causation_id: r.causationId ?? null,
    dataschema: r.dataschema ?? null,
    time: r.time,
    data: r.data ?? {},
    extensions: r.extensions ?? {},
    resolved: r.resolved ?? false,
    resolved_at: r.resolvedAt ?? null,
    resolved_by: r.resolvedBy ?? null,
  }));
  const columns = `id uuid, stream_seq bigint, type text, source text, subject text, resource_type text, resource_id text, level text,
    audience text, actor text, correlation_id text, causation_id text, dataschema text, time timestamptz, data jsonb, extensions jsonb,
    resolved boolean, resolved_at timestamptz, resolved_by text`;
  const names = columns.split(',').map((c) => c.trim().split(' ')[0]);
  // Each id claimed in `event_ids` as the writer does (GET /events/:id reads through it).
  await db.query(
    `WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${columns})), claim AS (INSERT INTO event_ids (id, time) SELECT id, time FROM r)
     INSERT INTO events (${names.join(', ')}) SELECT ${names.join(', ')} FROM r`,
    [
      JSON.stringify(records),
    ],
  );
  return records.map((r) => r.id);
}

type Name = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j';

const T0 = Date.parse('2025-03-01T22:00:00.000Z');
/** `minutes` after 22:00 UTC on 1 March 2025: the seed spans 22:00–00:40, two days and three hours. */
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** The known set every filter is checked against (ids are filled in by beforeAll). */
const SEED: Record<Name, SeedRow> = {
  a: { type: 'vendor.created', source: 'vendor-service', subject: 'v1', resourceType: 'vendor', resourceId: 'v1', audience: 'public', actor: 'alice', correlationId: 'c1', time: at(0), data: { name: 'Taco Stand', tags: ['mexican'] }, streamSeq: 1 },
  b: { type: 'vendor.updated', source: 'vendor-service', resourceType: 'vendor', resourceId: 'v1', audience: 'public', actor: 'alice', correlationId: 'c1', time: at(20), data: { name: 'Taco Stand' }, extensions: { changedfields: 'open' }, streamSeq: 2 },
  c: { type: 'vendor.deleted', source: 'vendor-service', resourceType: 'vendor', resourceId: 'v2', level: 'warn', audience: 'internal', actor: 'bob', correlationId: 'c2', time: at(40), data: { name: 'Bao Bus' }, streamSeq: 3 },
  d: { type: 'order.status_changed', source: 'order-service', resourceType: 'order', resourceId: 'o1', audience: 'internal', actor: 'bob', correlationId: 'c1', time: at(60), data: { status: 'paid' }, streamSeq: 4 },
  e: { type: 'order.payment.failed', source: 'order-service', resourceType: 'order', resourceId: 'o1', level: 'error', audience: 'ops', correlationId: 'c3', time: at(80), data: { reason: 'coupon 100%_off refused' }, streamSeq: 5 },
  f: { type: 'whatsapp.send_failure', source: 'sms-notifier', resourceType: 'lead', resourceId: 'l1', level: 'error', audience: 'ops', time: at(100), data: { error: 'timeout' }, resolved: true, resolvedAt: at(101), resolvedBy: 'carol', streamSeq: 6 },
  g: { type: 'vendor.created', source: 'vendor-service', subject: 'v3', resourceType: 'vendor', resourceId: 'v3', level: 'debug', audience: 'public', actor: 'alice', dataschema: 'mesh:schema:vendor.created:v1', time: at(120), data: { name: 'Crepe Corner' }, extensions: { traceparent: TRACEPARENT, tenant: 'acme' }, streamSeq: 7 },
  h: { type: 'stripe.webhook_failure', source: 'billing', level: 'error', time: at(140), data: { reason: 'status_mismatch' }, streamSeq: null },
  i: { type: 'vendor.updated', source: 'vendor-service', resourceType: 'vendor', resourceId: 'v3', audience: 'public', actor: 'carol', time: at(160), data: { name: 'Crêpe Corner' }, extensions: { changedfields: 'name' }, streamSeq: 9 },
  // Same time as i: the id breaks the tie.
  j: { type: 'vendor.updated', source: 'vendor-service', resourceType: 'vendor', resourceId: 'v3', audience: 'public', actor: 'carol', time: at(160), data: { name: 'Crepe Corner' }, extensions: { changedfields: 'name' }, streamSeq: 10 },
};
const NAMES = Object.keys(SEED) as Name[];

const idsOf = (res: request.Response): string[] => (res.body as { items: { id: string }[] }).items.map((item) => item.id);
const messageOf = (res: request.Response): string => [res.body?.message].flat().join(' | ');

/** `a=1&b=x,y` with each value URL-encoded (`>`, `%`, `*` and all). */
const qs = (query: string): string =>
  new URLSearchParams(query ? query.split('&').map((pair): [string, string] => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]) : []).toString();

describe('event-store query API (real PostgreSQL and nats-server)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let url: string;
  const id = {} as Record<Name, string>;

  /** The seed rows named, in the API's order: newest first, then id descending. */
  const newestFirst = (names: string): string[] =>
    [...names]
      .map((n) => ({ time: SEED[n as Name].time, id: id[n as Name] }))
      .sort((x, y) => y.time.localeCompare(x.time) || y.id.localeCompare(x.id))
      .map((r) => r.id);
  const list = (query: string) => request(url).get(`/events?${qs(query)}`);

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_query');
    store = await startEventStore(storeTestConfig(nats, db));
    url = store.url;
    for (const name of NAMES) id[name] = uuidv7();
    SEED.g.causationId = id.a;
    await seedEvents(db, NAMES.map((name) => ({ ...SEED[name], id: id[name] })));
  });

  afterAll(async () => {
    await store?.close();
    await nats?.close();
    await db?.drop();
  });

  describe('GET /events filters', () => {
    const cases: [query: string, names: string][] = [
      ['type=vendor.created', 'ag'],
      ['type=vendor.*', 'abcgij'],
      ['type=order.*', 'd'],
      ['type=order.>', 'de'],
      ['type=*.created', 'ag'],
      ['type=*.*.failed', 'e'],
      ['type=nothing.*', ''],
      ['type=*.failed&level=error', ''],
      ['type=*.webhook_failure&level=error', 'h'],
      ['type=*', 'abcdefghij'],
      ['type=>', 'abcdefghij'],
      ['source=order-service', 'de'],
      ['resourceType=vendor', 'abcgij'],
      ['resourceType=vendor&resourceId=v1', 'ab'],
      ['resourceType=order&resourceId=o1', 'de'],
      ['resourceType=vendor&resourceId=o1', ''],
      ['level=error', 'efh'],
      ['level=debug', 'g'],
      ['level=warn&level=error', 'cefh'],
      ['level=warn,error', 'cefh'],
      ['audience=ops', 'ef'],
      ['actor=bob', 'cd'],
      ['correlationId=c1', 'abd'],
      [`from=${at(40)}&to=${at(100)}`, 'cde'],
      [`from=${at(140)}`, 'hij'],
      [`to=${at(20)}`, 'a'],
      ['from=2025-03-02', 'ghij'],
      ['from=2025-03-01T23:10:00%2B01:00&to=2025-03-01T23:00:00Z', 'bc'],
      ['resolved=true', 'f'],
      ['resolved=false', 'abcdeghij'],
      ['q=taco', 'ab'],
      ['q=CREPE', 'gj'],
      ['q=100%_off', 'e'],
      ['q=%', 'e'],
      ['q=_', 'eh'],
      ['type=vendor.>&actor=alice&level=info', 'ab'],
      ['level=error&resolved=false', 'eh'],
      ['', 'abcdefghij'],
    ];

    it.each(cases)('GET /events?%s returns exactly [%s], newest first', async (query, names) => {
      const res = await list(query.replace('%2B', '+')).expect(200);
      expect(idsOf(res)).toEqual(newestFirst(names));
      expect(res.body).toMatchObject({ nextCursor: null, limit: 100 });
    });

    it('returns each event as its stored envelope plus what the store knows, the same in a page and by id', async () => {
      const received = (await db.query<{ r: Date }>('SELECT received_at AS r FROM events WHERE id = $1', [id.g])).rows[0].r;
      const one = await request(url).get(`/events/${id.g}`).expect(200);
      expect(one.body).toEqual({
        specversion: '1.0',
        id: id.g,
        source: 'vendor-service',
        type: 'vendor.created',
        time: at(120),
        subject: 'v3',
        datacontenttype: 'application/json',
        dataschema: 'mesh:schema:vendor.created:v1',
        data: { name: 'Crepe Corner' },
        level: 'debug',
        resourcetype: 'vendor',
        resourceid: 'v3',
        actor: 'alice',
        audience: 'public',
        causationid: id.a,
        traceparent: TRACEPARENT,
        tenant: 'acme',
        receivedAt: received.toISOString(),
        streamSeq: 7,
        resolved: false,
        resolvedAt: null,
        resolvedBy: null,
        // Stored before sentences existed (inserted by hand): rendered when read.
        message: 'فروشنده «Crepe Corner» ساخته شد',
        messageEn: 'Vendor "Crepe Corner" was created',
        category: 'Vendor',
      });
      const page = await list('type=vendor.created').expect(200);
      expect(page.body.items[0]).toEqual(one.body);

      // Absent attributes stay absent; the resolution fields are always there.
      const bare = await request(url).get(`/events/${id.h}`).expect(200);
      for (const attribute of ['subject', 'resourcetype', 'resourceid', 'actor', 'audience', 'correlationid', 'causationid', 'dataschema']) {
        expect(bare.body).not.toHaveProperty(attribute);
      }
      expect(bare.body).toMatchObject({ streamSeq: null, resolved: false, resolvedAt: null, resolvedBy: null });
      const resolved = await request(url).get(`/events/${id.f}`).expect(200);
      expect(resolved.body).toMatchObject({ resolved: true, resolvedAt: at(101), resolvedBy: 'carol' });
    });

    it('answers 404 naming an unknown event (any id form) and 400 for an id over 256 characters', async () => {
      for (const missing of [uuidv7(), 'not-a-uuid', 'oDFKhn1ZQTIohvkNHqP6RY']) {
        expect(messageOf(await request(url).get(`/events/${missing}`).expect(404))).toBe(`Event ${missing} not found`);
      }
      expect(messageOf(await request(url).get(`/events/${'x'.repeat(257)}`).expect(400))).toBe('id must be a CloudEvents id: 1 to 256 characters');
    });

    const bad: [query: string, parameter: string, message: RegExp][] = [
      ['type=Vendor.Created', 'type', /type must be an event type or a NATS-style pattern/],
      ['type=vendor..created', 'type', /type must be an event type/],
      ['type=vendor.>.x', 'type', /type must be an event type/],
      ['type=vendor.created&type=order.created', 'type', /type must be a string/],
      ['level=fatal', 'level', /each value in level must be one of the following values: debug, info, success, warn, error/],
      ['level=warn,', 'level', /level must be one of/],
      ['source=', 'source', /source should not be empty/],
      ['from=yesterday', 'from', /from must be an ISO 8601 date or a date-time with its offset/],
      ['from=2025-03-01T10:00:00', 'from', /from must be an ISO 8601/],
      ['from=2025-02-30', 'from', /from must be an ISO 8601/],
      [`from=${at(60)}&to=${at(0)}`, 'to', /to must not be before from/],
      ['resolved=yes', 'resolved', /resolved must be a boolean value/],
      ['limit=0', 'limit', /limit must not be less than 1/],
      ['limit=abc', 'limit', /limit must be an integer number/],
      ['limit=1.5', 'limit', /limit must be an integer number/],
      ['cursor=garbage', 'cursor', /cursor is not a cursor this API returned/],
      ['cursor=', 'cursor', /cursor is not a cursor/],
      ['sort=time', 'sort', /property sort should not exist/],
      ['resource_type=vendor', 'resource_type', /property resource_type should not exist/],
    ];

    it.each(bad)('GET /events?%s is a 400 naming %s', async (query, _parameter, message) => {
      const res = await list(query).expect(400);
      expect(messageOf(res)).toMatch(message);
    });
  });

  describe('GET /events limit', () => {
    it('defaults to 100 and clamps anything above 1000 to 1000 instead of refusing it', async () => {
      const base = Date.parse('2025-02-01T00:00:00.000Z');
      const bulk = Array.from({ length: 1050 }, (_, n): SeedRow => ({ type: 'bulk.filler', source: 'bulk', time: new Date(base + n * 1000).toISOString() }));
      await seedEvents(db, bulk);
      try {
        const first = await list('').expect(200);
        expect(first.body.limit).toBe(100);
        expect(first.body.items).toHaveLength(100);
        expect(first.body.nextCursor).toEqual(expect.any(String));

        const clamped = await list('limit=5000').expect(200);
        expect(clamped.body.limit).toBe(1000);
        expect(clamped.body.items).toHaveLength(1000);

        const exact = await list('source=bulk&limit=1000').expect(200);
        expect(exact.body.items).toHaveLength(1000);
        const rest = await list(`source=bulk&limit=1000&cursor=${exact.body.nextCursor}`).expect(200);
        expect(rest.body.items).toHaveLength(50);
        expect(rest.body.nextCursor).toBeNull();
        expect((await list('source=bulk&limit=7').expect(200)).body).toMatchObject({ limit: 7, items: expect.any(Array) });
      } finally {
        await db.query(`DELETE FROM events WHERE source = 'bulk'`);
      }
    });
  });

  describe('GET /events cursor', () => {
    it('pages through every row once, in order, while newer events arrive between pages', async () => {
      // 25 rows; each three share a second, and the third of them is 1 µs later than the other two:
      // ties broken by id, and times that only microseconds tell apart.
      const rows = Array.from({ length: 25 }, (_, n): SeedRow => {
        const second = String(Math.floor(n / 3)).padStart(2, '0');
        return { type: 'page.item', source: 'paging', time: `2025-04-01T00:00:${second}.000${n % 3 === 2 ? '001' : '000'}Z`, data: { n } };
      });
      const seeded = await seedEvents(db, rows);
      const expected = seeded
        .map((rowId, n) => ({ rowId, time: rows[n].time }))
        .sort((x, y) => y.time.localeCompare(x.time) || y.rowId.localeCompare(x.rowId))
        .map((r) => r.rowId);
      try {
        const seen: string[] = [];
        const arrivals: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: request.Response = await list(`source=paging&limit=7${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
          seen.push(...idsOf(res));
          cursor = res.body.nextCursor;
          pages++;
          // Newer events land between page fetches, as they do on a live store.
          const now = Date.now();
          arrivals.push(...(await seedEvents(db, [0, 1, 2].map((k) => ({ type: 'page.item', source: 'paging', time: new Date(now + k).toISOString() })))));
        } while (cursor);

        expect(pages).toBe(4);
        expect(seen).toEqual(expected);
        // Times come back as they were written, microseconds included.
        expect((await request(url).get(`/events/${seeded[2]}`).expect(200)).body.time).toBe('2025-04-01T00:00:00.000001Z');
        expect((await request(url).get(`/events/${seeded[3]}`).expect(200)).body.time).toBe('2025-04-01T00:00:01.000Z');
        expect(new Set(seen).size).toBe(25);
        // The arrivals are there, on a fresh first page, newest first.
        const fresh = await list('source=paging&limit=12').expect(200);
        expect(idsOf(fresh).sort()).toEqual([...arrivals].sort());
      } finally {
        await db.query(`DELETE FROM events WHERE source = 'paging'`);
      }
    });

    it('combines a cursor with filters: the next page keeps filtering', async () => {
      const first = await list('type=vendor.>&limit=2').expect(200);
      expect(idsOf(first)).toEqual(newestFirst('abcgij').slice(0, 2));
      const second = await list(`type=vendor.>&limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(idsOf(second)).toEqual(newestFirst('abcgij').slice(2, 4));
      const third = await list(`type=vendor.>&limit=2&cursor=${second.body.nextCursor}`).expect(200);
      expect(idsOf(third)).toEqual(newestFirst('abcgij').slice(4, 6));
      expect(third.body.nextCursor).toBeNull();
    });
  });

  describe('GET /events/timeline', () => {
    const timeline = (query: string) => request(url).get(`/events/timeline?${qs(query)}`);
    const oldestFirst = (names: string) => newestFirst(names).reverse();

    it("lists a resource's events oldest first", async () => {
      const res = await timeline('resourceType=vendor&resourceId=v1').expect(200);
      expect(idsOf(res)).toEqual(oldestFirst('ab'));
      expect(res.body).toMatchObject({ resourceType: 'vendor', resourceId: 'v1', includeRelated: false, truncated: false });
      expect(res.body.items.map((item: { related: boolean }) => item.related)).toEqual([false, false]);
      expect(res.body.items[0]).toMatchObject({ specversion: '1.0', type: 'vendor.created', data: SEED.a.data });
    });

    it('with includeRelated, adds the events sharing a correlation id with the resource’s, marked related', async () => {
      const res = await timeline('resourceType=vendor&resourceId=v1&includeRelated=true').expect(200);
      expect(idsOf(res)).toEqual(oldestFirst('abd'));
      expect(res.body.items.map((item: { related: boolean }) => item.related)).toEqual([false, false, true]);

      // o1's events carry c1 (shared with v1) and c3 (only its own).
      const order = await timeline('resourceType=order&resourceId=o1&includeRelated=true').expect(200);
      expect(idsOf(order)).toEqual(oldestFirst('abde'));
      expect(idsOf(await timeline('resourceType=order&resourceId=o1').expect(200))).toEqual(oldestFirst('de'));
    });

    it('stops at limit and says so; refuses a missing resource or a bad flag by name', async () => {
      const res = await timeline('resourceType=vendor&resourceId=v3&limit=2').expect(200);
      expect(idsOf(res)).toEqual(oldestFirst('gij').slice(0, 2));
      expect(res.body.truncated).toBe(true);
      expect(messageOf(await timeline('resourceType=vendor').expect(400))).toMatch(/resourceId must be a string/);
      expect(messageOf(await timeline('resourceId=v1').expect(400))).toMatch(/resourceType must be a string/);
      expect(messageOf(await timeline('resourceType=vendor&resourceId=v1&includeRelated=maybe').expect(400))).toMatch(/includeRelated must be a boolean/);
      expect(messageOf(await timeline('resourceType=vendor&resourceId=v1&type=x.y').expect(400))).toMatch(/property type should not exist/);
    });
  });

  describe('GET /events/stats', () => {
    const stats = (query: string) => request(url).get(`/events/stats?${qs(query)}`);
    const window = `from=${at(0)}&to=${at(180)}`;

    it('counts the window by type with the error rate, and per type its errors and first/last seen', async () => {
      const res = await stats(window).expect(200);
      expect(res.body).toMatchObject({ from: at(0), to: at(180), groupBy: 'type', total: 10, errors: 3, errorRate: 0.3 });
      expect(res.body.groups).toEqual([
        { key: 'vendor.updated', count: 3 },
        { key: 'vendor.created', count: 2 },
        { key: 'order.payment.failed', count: 1 },
        { key: 'order.status_changed', count: 1 },
        { key: 'stripe.webhook_failure', count: 1 },
        { key: 'vendor.deleted', count: 1 },
        { key: 'whatsapp.send_failure', count: 1 },
      ]);
      const byType = Object.fromEntries((res.body.types as { type: string }[]).map((t) => [t.type, t]));
      expect(Object.keys(byType)).toHaveLength(7);
      expect(byType['vendor.updated']).toEqual({ type: 'vendor.updated', count: 3, errors: 0, errorRate: 0, firstSeen: at(20), lastSeen: at(160) });
      expect(byType['vendor.created']).toEqual({ type: 'vendor.created', count: 2, errors: 0, errorRate: 0, firstSeen: at(0), lastSeen: at(120) });
      expect(byType['order.payment.failed']).toEqual({ type: 'order.payment.failed', count: 1, errors: 1, errorRate: 1, firstSeen: at(80), lastSeen: at(80) });
      expect(byType['whatsapp.send_failure']).toMatchObject({ errors: 1, errorRate: 1, firstSeen: at(100), lastSeen: at(100) });
    });

    it('groups by level, source, UTC hour and UTC day', async () => {
      expect((await stats(`${window}&groupBy=level`).expect(200)).body.groups).toEqual([
        { key: 'info', count: 5 },
        { key: 'error', count: 3 },
        { key: 'debug', count: 1 },
        { key: 'warn', count: 1 },
      ]);
      expect((await stats(`${window}&groupBy=source`).expect(200)).body.groups).toEqual([
        { key: 'vendor-service', count: 6 },
        { key: 'order-service', count: 2 },
        { key: 'billing', count: 1 },
        { key: 'sms-notifier', count: 1 },
      ]);
      // Without split, buckets are counts only (the cheap read, whatever the window).
      expect((await stats(`${window}&groupBy=hour`).expect(200)).body.groups[0]).toEqual({ key: '2025-03-01T22:00:00.000Z', count: 3 });
      const hours = (await stats(`${window}&groupBy=hour&split=true`).expect(200)).body.groups as { count: number; errors: number; levels: Record<string, number>; types: Record<string, number> }[];
      expect(hours).toMatchObject([
        { key: '2025-03-01T22:00:00.000Z', count: 3 },
        { key: '2025-03-01T23:00:00.000Z', count: 3 },
        { key: '2025-03-02T00:00:00.000Z', count: 4 },
      ]);
      // Each time bucket splits its count by level and by type, so one call draws every chart.
      const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
      for (const h of hours) {
        expect(sum(h.levels)).toBe(h.count);
        expect(sum(h.types)).toBe(h.count);
        expect(h.errors).toBe(h.levels.error ?? 0);
      }
      expect(hours.reduce((n, h) => n + h.errors, 0)).toBe(3);
      expect(hours.reduce((n, h) => n + (h.types['vendor.updated'] ?? 0), 0)).toBe(3);
      const day = await stats(`${window}&groupBy=day&split=true`).expect(200);
      expect(day.body.groups).toMatchObject([
        { key: '2025-03-01T00:00:00.000Z', count: 6 },
        { key: '2025-03-02T00:00:00.000Z', count: 4 },
      ]);
      expect((day.body.groups as { errors: number }[]).reduce((n, g) => n + g.errors, 0)).toBe(3);
      expect(day.body).toMatchObject({ total: 10, errorRate: 0.3 });
    });

    it('narrows to the half-open window [from, to) and refuses bad parameters by name', async () => {
      const res = await stats(`from=${at(60)}&to=${at(120)}`).expect(200);
      expect(res.body).toMatchObject({ total: 3, errors: 2, errorRate: 2 / 3 });
      const empty = await stats('from=2000-01-01&to=2000-01-02').expect(200);
      expect(empty.body).toEqual({ from: '2000-01-01T00:00:00.000Z', to: '2000-01-02T00:00:00.000Z', groupBy: 'type', total: 0, errors: 0, errorRate: 0, groups: [], types: [] });
      expect((await stats('').expect(200)).body).toMatchObject({ from: null, to: null, groupBy: 'type' });
      expect(messageOf(await stats('groupBy=week').expect(400))).toMatch(/groupBy must be one of the following values: type, level, source, hour, day/);
      expect(messageOf(await stats('from=soon').expect(400))).toMatch(/from must be an ISO 8601/);
      expect(messageOf(await stats(`from=${at(60)}&to=${at(0)}`).expect(400))).toMatch(/to must not be before from/);
      expect(messageOf(await stats('level=error').expect(400))).toMatch(/property level should not exist/);
    });
  });

  describe('GET /events/schemas', () => {
    it('lists every type seen with count, last seen and its latest data, merged with the registered JSON Schemas', async () => {
      const registry = store.app.get(SchemaRegistry);
      const v1 = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
      const v2 = { ...v1, properties: { name: { type: 'string' }, tags: { type: 'array' } } };
      await registry.register('vendor.created', 1, v1);
      await registry.register('vendor.created', 2, v2);
      await registry.register('invoice.issued', 1, { type: 'object' });

      const res = await request(url).get('/events/schemas').expect(200);
      expect(res.body).toMatchObject({ schemasAvailable: true, schemasError: null });
      const types = (res.body.types as { type: string; example: unknown }[]).filter((t) => !t.type.startsWith('audit.'));
      expect(types.map((t) => t.type)).toEqual([
        'invoice.issued',
        'order.payment.failed',
        'order.status_changed',
        'stripe.webhook_failure',
        'vendor.created',
        'vendor.deleted',
        'vendor.updated',
        'whatsapp.send_failure',
      ]);
      const byType = Object.fromEntries(types.map((t) => [t.type, t]));
      expect(byType['vendor.created']).toEqual({
        type: 'vendor.created',
        count: 2,
        firstSeen: at(0),
        lastSeen: at(120),
        example: { name: 'Crepe Corner' },
        exampleId: id.g,
        schema: { version: 2, id: 'mesh:schema:vendor.created:v2', schema: v2 },
        schemaVersions: [1, 2],
      });
      // i and j share the latest time; the example is the one listed first (the larger id).
      const latestUpdate = newestFirst('ij')[0];
      expect(byType['vendor.updated']).toMatchObject({ count: 3, lastSeen: at(160), exampleId: latestUpdate, schema: null, schemaVersions: [] });
      expect(byType['vendor.updated'].example).toEqual(SEED[latestUpdate === id.i ? 'i' : 'j'].data);
      expect(byType['invoice.issued']).toEqual({
        type: 'invoice.issued',
        count: 0,
        firstSeen: null,
        lastSeen: null,
        example: null,
        exampleId: null,
        schema: { version: 1, id: 'mesh:schema:invoice.issued:v1', schema: { type: 'object' } },
        schemaVersions: [1],
      });
    });
  });

  describe('resolution and API keys', () => {
    let keyed: RunningEventStore;
    let nc: NatsConnection;
    const audits = new Collector<CloudEvent>();
    const resolveIds = {} as Record<'error' | 'info' | 'warn', string>;
    const KEY = 'k-3f1c9a';

    beforeAll(async () => {
      keyed = await startEventStore(storeTestConfig(nats, db, { adminApiKey: KEY }));
      nc = await connect({ servers: nats.url });
      nc.subscribe('events.audit.>', {
        callback: (err, msg) => {
          if (!err) audits.push(msg.json<CloudEvent>());
        },
      });
      await nc.flush();
      const now = Date.now();
      [resolveIds.error, resolveIds.info, resolveIds.warn] = await seedEvents(db, [
        { type: 'payment.capture_failed', source: 'resolve-test', level: 'error', time: new Date(now).toISOString() },
        { type: 'payment.captured', source: 'resolve-test', level: 'info', time: new Date(now + 1).toISOString() },
        { type: 'payment.slow', source: 'resolve-test', level: 'warn', time: new Date(now + 2).toISOString() },
      ]);
    });

    afterAll(async () => {
      await nc?.close();
      await keyed?.close();
    });

    const admin = (path: string) => request(keyed.url).patch(path).set('X-Api-Key', KEY);

    it('keeps queries open while no ADMIN_API_KEY is set, and closes them once it is: missing 401, wrong 403, right 200', async () => {
      await request(url).get('/events').expect(200);
      await request(url).get('/events/stats').expect(200);
      for (const path of ['/events', '/events/stats', '/events/timeline?resourceType=vendor&resourceId=v1', '/events/schemas', `/events/${id.a}`]) {
        expect(messageOf(await request(keyed.url).get(path).expect(401))).toBe('Missing X-Api-Key header');
        expect(messageOf(await request(keyed.url).get(path).set('X-Api-Key', 'wrong').expect(403))).toBe('Wrong X-Api-Key');
        await request(keyed.url).get(path).set('X-Api-Key', KEY).expect(200);
      }
      const page = await request(keyed.url).get('/events?type=vendor.created').set('X-Api-Key', KEY).expect(200);
      expect(idsOf(page)).toEqual(newestFirst('ag'));
    });

    it('refuses resolve without the admin key: disabled while none is set, 401 missing, 403 wrong', async () => {
      const path = `/events/${resolveIds.error}/resolve`;
      expect(messageOf(await request(url).patch(path).expect(403))).toMatch(/Admin routes are disabled: set ADMIN_API_KEY/);
      await request(keyed.url).patch(path).expect(401);
      await request(keyed.url).patch(path).set('X-Api-Key', 'wrong').expect(403);
      await request(keyed.url).patch(`/events/${resolveIds.error}/unresolve`).expect(401);
      const row = await db.query('SELECT resolved FROM events WHERE id = $1', [resolveIds.error]);
      expect(row.rows[0].resolved).toBe(false);
    });

    it('resolves and unresolves an error event, sets who and when, and records each change as an audit event', async () => {
      const eventId = resolveIds.error;
      const resolved = await admin(`/events/${eventId}/resolve`).send({ by: 'dave' }).expect(200);
      expect(resolved.body).toMatchObject({ id: eventId, level: 'error', resolved: true, resolvedBy: 'dave', resolvedAt: expect.any(String) });
      const row = (await db.query('SELECT resolved, resolved_at, resolved_by FROM events WHERE id = $1', [eventId])).rows[0];
      expect(row).toEqual({ resolved: true, resolved_at: new Date(resolved.body.resolvedAt), resolved_by: 'dave' });
      expect(idsOf(await list('source=resolve-test&resolved=true').expect(200))).toEqual([eventId]);

      // Resolving again changes nothing and records nothing.
      const again = await admin(`/events/${eventId}/resolve`).send({ by: 'erin' }).expect(200);
      expect(again.body).toMatchObject({ resolved: true, resolvedBy: 'dave', resolvedAt: resolved.body.resolvedAt });

      const unresolved = await admin(`/events/${eventId}/unresolve`).expect(200);
      expect(unresolved.body).toMatchObject({ id: eventId, resolved: false, resolvedAt: null, resolvedBy: null });
      expect(idsOf(await list('source=resolve-test&resolved=true').expect(200))).toEqual([]);

      // Published in order by one app: a second `event_resolved` would have come before the `event_unresolved`.
      const [first, second] = await audits.waitForCount(2);
      expect(first).toMatchObject({ type: 'audit.event_resolved', actor: 'dave', resourcetype: 'event', resourceid: eventId, data: { eventId, eventType: 'payment.capture_failed', by: 'dave' } });
      expect(second).toMatchObject({ type: 'audit.event_unresolved', actor: 'admin-api', data: { eventId, eventType: 'payment.capture_failed', by: 'admin-api' } });
      expect(audits.items).toHaveLength(2);
    });

    it('answers 409 for events that are not error-level, 404 for unknown ones, and 400 naming a bad id or body field', async () => {
      const info = await admin(`/events/${resolveIds.info}/resolve`).expect(409);
      expect(messageOf(info)).toBe(`Event ${resolveIds.info} is a info-level event: only error-level events can be resolved or unresolved`);
      expect(messageOf(await admin(`/events/${resolveIds.warn}/unresolve`).expect(409))).toMatch(/warn-level event: only error-level events/);
      const missing = uuidv7();
      expect(messageOf(await admin(`/events/${missing}/resolve`).expect(404))).toBe(`Event ${missing} not found`);
      expect(messageOf(await admin('/events/nope/resolve').expect(404))).toBe('Event nope not found');
      expect(messageOf(await admin(`/events/${'x'.repeat(257)}/resolve`).expect(400))).toBe('id must be a CloudEvents id: 1 to 256 characters');
      expect(messageOf(await admin(`/events/${resolveIds.error}/resolve`).send({ by: 5 }).expect(400))).toMatch(/by must be a string/);
      expect(messageOf(await admin(`/events/${resolveIds.error}/resolve`).send({ by: '' }).expect(400))).toMatch(/by should not be empty/);
      expect(messageOf(await admin(`/events/${resolveIds.error}/resolve`).send({ reason: 'x' }).expect(400))).toMatch(/property reason should not exist/);
      const rows = await db.query(`SELECT count(*)::int AS n FROM events WHERE source = 'resolve-test' AND resolved`);
      expect(rows.rows[0].n).toBe(0);
    });

    it('counts events and errors per minute over the last minutes, every minute present, and refuses a bad window by name', async () => {
      const minute = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
      await seedEvents(db, [
        { type: 'rate.a', source: 'rate-test', time: new Date(minute + 1_000).toISOString() },
        { type: 'rate.b', source: 'rate-test', level: 'error', time: new Date(minute + 2_000).toISOString() },
        { type: 'rate.a', source: 'rate-test', time: new Date(minute + 59_000).toISOString() },
      ]);
      const rate = (query: string) => request(keyed.url).get(`/events/rate${query}`).set('X-Api-Key', KEY);
      const res = (await rate('').expect(200)).body as { minutes: { minute: string; count: number; errors: number }[]; total: number; errors: number };
      expect(res.minutes).toHaveLength(61);
      expect(res.minutes.find((m) => m.minute === new Date(minute).toISOString())).toEqual({ minute: new Date(minute).toISOString(), count: 3, errors: 1 });
      expect(res.minutes.find((m) => m.minute === new Date(minute + 60_000).toISOString())).toMatchObject({ count: 0, errors: 0 });
      expect(res.total).toBe(res.minutes.reduce((n, m) => n + m.count, 0));
      expect((await rate('?minutes=5').expect(200)).body.minutes).toHaveLength(6);
      expect(messageOf(await rate('?minutes=0').expect(400))).toMatch(/minutes must be a whole number from 1 to 360/);
      expect(messageOf(await rate('?minutes=abc').expect(400))).toMatch(/minutes must be a whole number/);
      await request(keyed.url).get('/events/rate').expect(401);
    });

    it('groups unresolved errors by type and message, and resolves one group up to the time shown, recorded as one audit event', async () => {
      const t = Date.now() + 10_000;
      const time = (ms: number) => new Date(t + ms).toISOString();
      const [g1, g2, other] = await seedEvents(db, [
        { type: 'refund.failed', source: 'group-test', level: 'error', time: time(0), data: { message: 'gateway timeout' } },
        { type: 'refund.failed', source: 'group-test', level: 'error', time: time(5), data: { error: 'gateway timeout' } },
        { type: 'refund.failed', source: 'group-test', level: 'error', time: time(9), data: { message: 'card expired' } },
      ]);
      const groups = (await request(keyed.url).get('/events/errors/groups').set('X-Api-Key', KEY).expect(200)).body.groups as { type: string; message: string }[];
      const mine = groups.filter((g) => g.type === 'refund.failed');
      expect(mine).toEqual([
        { type: 'refund.failed', message: 'card expired', count: 1, firstSeen: time(9), lastSeen: time(9), latestId: other },
        { type: 'refund.failed', message: 'gateway timeout', count: 2, firstSeen: time(0), lastSeen: time(5), latestId: g2 },
      ]);
      const resolveGroup = (body: object) => request(keyed.url).post('/events/errors/groups/resolve').set('X-Api-Key', KEY).send(body);
      expect(messageOf(await resolveGroup({ message: 'x' }).expect(400))).toMatch(/type is required/);
      expect(messageOf(await resolveGroup({ type: 'refund.failed', message: 'x', until: 'soon' }).expect(400))).toMatch(/until must be an ISO 8601 time/);
      await request(keyed.url).post('/events/errors/groups/resolve').send({ type: 'refund.failed', message: 'gateway timeout' }).expect(401);
      // Up to the first one's time: the second, newer one stays open.
      expect((await resolveGroup({ type: 'refund.failed', message: 'gateway timeout', until: time(0), by: 'frank' }).expect(200)).body).toEqual({ resolved: 1 });
      expect((await resolveGroup({ type: 'refund.failed', message: 'gateway timeout', by: 'frank' }).expect(200)).body).toEqual({ resolved: 1 });
      expect((await resolveGroup({ type: 'refund.failed', message: 'gateway timeout' }).expect(200)).body).toEqual({ resolved: 0 });
      const rows = await db.query(`SELECT id, resolved, resolved_by FROM events WHERE source = 'group-test' ORDER BY time`);
      expect(rows.rows).toEqual([
        { id: g1, resolved: true, resolved_by: 'frank' },
        { id: g2, resolved: true, resolved_by: 'frank' },
        { id: other, resolved: false, resolved_by: null },
      ]);
      await waitFor(() => audits.items.filter((a) => a.type === 'audit.error_group_resolved').length === 2, { timeoutMs: 10_000, message: 'no audit.error_group_resolved' });
      const recorded = audits.items.filter((a) => a.type === 'audit.error_group_resolved');
      const audit = { action: 'error_group_resolved', actor: 'frank', target: { type: 'error-group', id: 'refund.failed' } };
      expect(recorded.map((a) => a.data)).toEqual([
        { ...audit, eventType: 'refund.failed', message: 'gateway timeout', until: time(0), count: 1, eventIds: [g1], by: 'frank' },
        { ...audit, eventType: 'refund.failed', message: 'gateway timeout', until: null, count: 1, eventIds: [g2], by: 'frank' },
      ]);
    });
  });

  describe('with NATS down', () => {
    it('still serves the catalogue from PostgreSQL, without schemas, and says why', async () => {
      await nats.stop();
      try {
        const res = await request(url).get('/events/schemas').expect(200);
        expect(res.body.schemasAvailable).toBe(false);
        expect(res.body.schemasError).toMatch(/^schemas unavailable: /);
        const created = (res.body.types as { type: string }[]).find((t) => t.type === 'vendor.created');
        expect(created).toMatchObject({ count: 2, example: { name: 'Crepe Corner' }, schema: null, schemaVersions: [] });
        expect(idsOf(await list('type=vendor.created').expect(200))).toEqual(newestFirst('ag'));
      } finally {
        await nats.restart();
      }
    });
  });
});
