import pg from 'pg';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  CloudEvent,
  createEnvelope,
  EventsService,
  HEADER,
  JetStreamServer,
  MetricsService,
  replaySubject,
  SchemaRegistry,
  STREAM_DLQ,
  STREAM_EVENTS,
  subjectForType,
  uuidv7,
} from '@app/events/internal';
import { NatsServerHarness, sleep, TestDatabase, waitFor } from '@app/testing';
import { EventWriter } from '../src/writer/event-writer.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const CONSUMER = 'event-store';

describe('event-store writer (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  /** The test's own pool: it tolerates its connections being terminated (the outage test does that). */
  let pool: pg.Pool;
  let events: EventsService;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_writer');
    // A high maxDeliver so that the outage below cannot exhaust the deliveries. (Concurrency is the
    // app's own default, WRITER_CONCURRENCY, so that many handlers can wait for one commit.)
    store = await startEventStore(storeTestConfig(nats, db, { maxDeliver: 1000 }));
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    pool.on('error', () => undefined);
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    events = store.app.get(EventsService);
    await waitFor(() => jsm.consumers.info(STREAM_EVENTS, CONSUMER).then(() => true), { message: 'the event-store durable was not created' });
  });

  afterAll(async () => {
    await nc?.close();
    await store?.close();
    await pool?.end();
    await nats?.close();
    await db?.drop();
  });

  const rowsOf = async (id: string) => (await pool.query('SELECT * FROM events WHERE id = $1', [id])).rows;
  const stored = (id: string) => waitFor(async () => (await rowsOf(id)).length === 1, { timeoutMs: 15_000, message: `event ${id} was not stored` });
  const consumerIdle = () =>
    waitFor(
      async () => {
        for (const durable of [CONSUMER, `${CONSUMER}-replay`]) {
          const info = await jsm.consumers.info(durable === CONSUMER ? STREAM_EVENTS : 'EVENTS_REPLAY', durable);
          if (info.num_pending !== 0 || info.num_ack_pending !== 0) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, message: 'the event-store consumers did not drain' },
    );
  /** Publishes an envelope as any client could: raw JetStream, on the subject of its type (or another). */
  const publishRaw = (event: CloudEvent | Record<string, unknown>, opts: { subject?: string; msgID?: string; replay?: boolean } = {}) => {
    const h = headers();
    h.set(HEADER.contentType, 'application/cloudevents+json');
    if (opts.replay) h.set(HEADER.replay, 'replay');
    return js.publish(opts.subject ?? subjectForType(String(event.type)), JSON.stringify(event), { msgID: opts.msgID ?? String(event.id), headers: h });
  };

  it('stores an event published with EventsService with every attribute in its column and the rest in extensions', async () => {
    await store.app.get(SchemaRegistry).register('order.paid', 1, { type: 'object', required: ['total'] });
    const time = '2025-03-01T09:59:59.123456Z';
    const before = Date.now();
    const published = await events.publishEvent(
      'order.paid',
      { total: 12.5, lines: [{ sku: 'A-1', qty: 2 }], note: 'ünïcödé ✓' },
      {
        time,
        subject: 'ord_1',
        level: 'warn',
        resourceType: 'order',
        resourceId: 'ord_1',
        actor: 'user:7',
        audience: 'admin',
        correlationId: 'corr-1',
        causationId: 'cause-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        extensions: { tenant: 'acme', attempt: 2, beta: true },
      },
    );
    expect(published.queued).toBe(false);
    await stored(published.id);
    const { rows } = await pool.query(
      `SELECT *, to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time_utc FROM events WHERE id = $1`,
      [published.id],
    );
    const row = rows[0];
    expect(row).toMatchObject({
      id: published.id,
      stream_seq: String(published.seq),
      type: 'order.paid',
      source: 'event-store',
      subject: 'ord_1',
      resource_type: 'order',
      resource_id: 'ord_1',
      level: 'warn',
      audience: 'admin',
      actor: 'user:7',
      correlation_id: 'corr-1',
      causation_id: 'cause-1',
      dataschema: 'mesh:schema:order.paid:v1',
      time_utc: time,
      data: { total: 12.5, lines: [{ sku: 'A-1', qty: 2 }], note: 'ünïcödé ✓' },
      extensions: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tenant: 'acme', attempt: 2, beta: true },
      resolved: false,
      resolved_at: null,
      resolved_by: null,
    });
    expect(row.received_at.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row.received_at.getTime()).toBeLessThanOrEqual(Date.now());

    // A bare event: defaults and NULLs.
    const bare = await events.publishEvent('ping.sent', null);
    await stored(bare.id);
    expect((await rowsOf(bare.id))[0]).toMatchObject({
      stream_seq: String(bare.seq),
      level: 'info',
      subject: null,
      resource_type: null,
      resource_id: null,
      audience: null,
      actor: null,
      correlation_id: null,
      causation_id: null,
      dataschema: null,
      data: null,
      extensions: {},
    });
  });

  it('stores an event published again under another message id, and replayed to the event-store, once, keeping the first copy', async () => {
    const first = createEnvelope('dup.tested', { copy: 'first' }, 'dup-producer', { correlationId: 'dup-1' });
    const ack = await publishRaw(first);
    await stored(first.id);

    const second = { ...first, data: { copy: 'second' } };
    const again = await publishRaw(second, { msgID: `again-${first.id}` }); // beyond the dedupe: a new stream message
    expect(again.duplicate).toBe(false);
    expect(again.seq).toBeGreaterThan(ack.seq);
    await publishRaw(second, { subject: replaySubject(CONSUMER, first.type), replay: true });
    // Two copies of one new id at once: likely in one statement.
    const twin = createEnvelope('dup.tested', { copy: 'twin' }, 'dup-producer');
    await Promise.all([publishRaw(twin, { msgID: 'twin-a' }), publishRaw(twin, { msgID: 'twin-b' })]);
    await stored(twin.id);
    await consumerIdle();

    const rows = await rowsOf(first.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stream_seq: String(ack.seq), data: { copy: 'first' }, correlation_id: 'dup-1' });
    expect(await rowsOf(twin.id)).toHaveLength(1);
    expect((await pool.query(`SELECT count(*)::int AS n FROM events WHERE type = 'dup.tested'`)).rows[0].n).toBe(2);
  });

  it('stores any CloudEvents id (NUID, ULID, order-42, UUID v7) once each, served by GET /events/:id, and dead-letters an id over 256 characters', async () => {
    const ids = ['oDFKhn1ZQTIohvkNHqP6RY', '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'order-42', uuidv7(), 'tenant/a|b:42'];
    const envelopes = ids.map((id, i) => ({ ...createEnvelope('ids.tested', { i }, 'other-client'), id }));
    for (const e of envelopes) await publishRaw(e);
    // Stored before the copies are sent: two copies in flight at once may share a batch, or
    // reach the writer in the order their INSERTs run, so "the first is kept" has a meaning only once one is stored.
    for (const id of ids) await stored(id);
    // Each again as a new stream message (another client's retry): still one row.
    for (const e of envelopes) await publishRaw({ ...e, data: { copy: 'second' } }, { msgID: `again-${e.id}` });
    await consumerIdle();
    const rows = (await pool.query(`SELECT id, data FROM events WHERE type = 'ids.tested' ORDER BY id`)).rows;
    expect(rows.map((r) => r.id)).toEqual([...ids].sort());
    for (const r of rows) expect(r.data).toEqual({ i: ids.indexOf(r.id) });
    for (const id of ids) {
      const res = await fetch(`${store.url}/events/${encodeURIComponent(id)}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id, type: 'ids.tested' });
    }

    const tooLong = { ...createEnvelope('ids.too_long', { n: 1 }, 'other-client'), id: 'x'.repeat(257) };
    await publishRaw(tooLong, { msgID: 'too-long' });
    const letter = await waitFor(() => jsm.streams.getMessage(STREAM_DLQ, { last_by_subj: `dlq.${CONSUMER}.ids.too_long` }), {
      message: 'the event with a 257-character id was not dead-lettered',
    });
    expect(letter!.header.get(HEADER.dlqReason)).toBe('non_retryable');
    expect(letter!.header.get(HEADER.error)).toContain(`PostgreSQL refused event ${'x'.repeat(40)}… (257 characters)`);
    expect(letter!.header.get(HEADER.error)).toContain('violates check constraint "events_id_length"');
    expect((await pool.query(`SELECT count(*)::int AS n FROM events WHERE type = 'ids.too_long'`)).rows[0].n).toBe(0);
  });

  it('stores a redelivered event once: after failed attempts (nak), and when a previous delivery had already committed it', async () => {
    // Fails the first two inserts of one event (a transient, non-data error); a sequence counts
    // attempts outside the rolled-back transactions.
    const flaky = createEnvelope('redelivery.tested', { attempt: 'flaky' }, 'test');
    await pool.query('CREATE SEQUENCE flaky_attempts');
    await pool.query(`CREATE FUNCTION fail_twice() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('flaky_attempts') <= 2 THEN RAISE EXCEPTION 'test: provoked transient failure'; END IF; RETURN NEW; END $$`);
    await pool.query(`CREATE TRIGGER fail_twice BEFORE INSERT ON events FOR EACH ROW WHEN (NEW.id = '${flaky.id}') EXECUTE FUNCTION fail_twice()`);
    try {
      const ack = await publishRaw(flaky);
      await stored(flaky.id);
      expect((await pool.query('SELECT last_value::int AS n FROM flaky_attempts')).rows[0].n).toBe(3);
      expect((await rowsOf(flaky.id))[0].stream_seq).toBe(String(ack.seq));
      const metrics = await store.app.get(MetricsService).registry.getSingleMetricAsString('mesh_events_retried_total');
      expect(metrics).toMatch(/type="redelivery.tested"\} 2/);
    } finally {
      await pool.query('DROP TRIGGER fail_twice ON events');
      await pool.query('DROP FUNCTION fail_twice()');
      await pool.query('DROP SEQUENCE flaky_attempts');
    }

    // The ack of a committed delivery was lost: the row (and its id's claim) is there when the message comes again.
    const lost = createEnvelope('redelivery.tested', { attempt: 'again' }, 'test');
    await pool.query(
      `WITH claim AS (INSERT INTO event_ids (id, time) VALUES ($1, $4))
       INSERT INTO events (id, stream_seq, type, source, level, time, data) VALUES ($1, 7, $2, $3, 'info', $4, '{"attempt":"first"}')`,
      [lost.id, lost.type, lost.source, lost.time],
    );
    await publishRaw(lost);
    await consumerIdle();
    const rows = await rowsOf(lost.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stream_seq: '7', data: { attempt: 'first' } });
  });

  it('naks while PostgreSQL is unavailable during a burst of 2,000 events, acks nothing, then stores each of them exactly once', async () => {
    await consumerIdle();
    const admin = new pg.Client({ connectionString: Object.assign(new URL(db.url), { pathname: '/postgres' }).toString() });
    await admin.connect();
    const quoted = `"${db.name}"`; // [a-z0-9_] only
    const burst = uuidv7();
    const ackFloor = (await jsm.consumers.info(STREAM_EVENTS, CONSUMER)).ack_floor.stream_seq;
    try {
      // The shared PostgreSQL cannot be stopped: take this database away from everyone instead.
      await admin.query(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);

      const ids: string[] = [];
      for (let i = 0; i < 2_000; i += 100) {
        const chunk = await Promise.all(
          Array.from({ length: 100 }, (_, j) => events.publishEvent('outage.burst', { burst, n: i + j }, { correlationId: burst })),
        );
        for (const r of chunk) {
          expect(r.queued).toBe(false);
          ids.push(r.id);
        }
      }
      expect(new Set(ids).size).toBe(2_000);
      // Deliveries fail and are retried meanwhile; none may be acknowledged.
      await waitFor(async () => (await jsm.consumers.info(STREAM_EVENTS, CONSUMER)).num_redelivered > 0, {
        timeoutMs: 15_000,
        message: 'the writer did not retry while the database was away',
      });
      await sleep(1_500);
      const during = await jsm.consumers.info(STREAM_EVENTS, CONSUMER);
      expect(during.ack_floor.stream_seq).toBe(ackFloor);
      expect(during.num_pending + during.num_ack_pending).toBe(2_000);
    } finally {
      await admin.query(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }

    await waitFor(
      async () => (await pool.query('SELECT count(*)::int AS n FROM events WHERE correlation_id = $1', [burst])).rows[0].n === 2_000,
      { timeoutMs: 60_000, intervalMs: 250, message: 'the burst was not stored after the database came back' },
    );
    await consumerIdle();
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, count(DISTINCT (data->>'n'))::int AS ns, count(stream_seq)::int AS seqs
         FROM events WHERE correlation_id = $1`,
      [burst],
    );
    expect(rows[0]).toEqual({ n: 2_000, ids: 2_000, ns: 2_000, seqs: 2_000 });
    const dlq = await jsm.streams.info(STREAM_DLQ, { subjects_filter: `dlq.${CONSUMER}.outage.>` });
    expect(dlq.state.subjects ?? {}).toEqual({});
    // The outbox relay's LISTEN connection was terminated too and comes back on 2 s retry timers;
    // wait until it is back and no retry is left pending when the suite ends (see the report on
    // libs/events OutboxRelay: its timers outlive the app).
    const listening = async () =>
      (await pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN %'`, [db.name])).rowCount ?? 0;
    let seen = -1;
    await waitFor(
      async () => {
        const now = await listening();
        const settled = now > 0 && now === seen;
        seen = now;
        return settled;
      },
      { timeoutMs: 20_000, intervalMs: 2_500, message: 'the outbox relay did not LISTEN again' },
    );
  });

  it('stores a foreign event with NUL or a lone surrogate escaped and marked, dead-letters one PostgreSQL refuses (time out of range), and commits the rest of their batch', async () => {
    const writer = store.app.get(EventWriter);
    const transport = store.app.get(JetStreamServer);
    const splitsBefore = writer.stats.splits;
    const good = Array.from({ length: 10 }, (_, i) => createEnvelope('batch.good', { i }, 'test'));
    const nulData = createEnvelope('batch.nul_data', { text: 'before\u0000after' }, 'test');
    const nulText = createEnvelope('batch.nul_text', { ok: true }, 'test', { actor: 'user\u0000x' });
    const lone = createEnvelope('batch.lone_surrogate', { items: ['ok', 'half \ud800'] }, 'test');
    const badTime = { ...createEnvelope('batch.bad_time', { ok: true }, 'test'), time: '0000-01-01T00:00:00Z' };

    // Hold every insert behind a table lock until both INSERT slots are taken and the events to
    // test are all waiting, so they go in one batch together.
    const locker = new pg.Client({ connectionString: db.url });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN SHARE MODE');
      const blockers = [createEnvelope('batch.blocker', { n: 1 }, 'test'), createEnvelope('batch.blocker', { n: 2 }, 'test')];
      for (const b of blockers) {
        await publishRaw(b);
        await waitFor(() => writer.running === blockers.indexOf(b) + 1, { message: 'the blocker did not take an INSERT slot' });
      }
      const all = [good[0], nulData, ...good.slice(1, 5), nulText, lone, ...good.slice(5), badTime];
      for (const e of all) await publishRaw(e);
      await waitFor(() => transport.batchWaiting === all.length, { message: `the ${all.length} events did not queue up behind the lock` });
    } finally {
      await locker.query('COMMIT').catch(() => undefined);
      await locker.end();
    }
    for (const e of good) await stored(e.id);
    expect(writer.stats.splits).toBeGreaterThan(splitsBefore);
    // (Last in this file: with nats-server 2.9, the transport's `term(reason)` is ignored, so the
    // dead-lettered messages stay ack-pending on the durable; see the report on libs/events.)

    // Foreign events (EventsService refuses these): stored, the characters written out as escapes, and marked.
    await stored(nulData.id);
    expect(await rowsOf(nulData.id)).toEqual([expect.objectContaining({ data: { text: 'before\\u0000after' }, extensions: { meshescaped: ['data.text'] } })]);
    await stored(nulText.id);
    expect(await rowsOf(nulText.id)).toEqual([expect.objectContaining({ actor: 'user\\u0000x', extensions: { meshescaped: ['actor'] } })]);
    await stored(lone.id);
    expect(await rowsOf(lone.id)).toEqual([expect.objectContaining({ data: { items: ['ok', 'half \\ud800'] }, extensions: { meshescaped: ['data.items[1]'] } })]);

    for (const [bad, needle] of [[badTime, 'out of range']] as const) {
      expect(await rowsOf(bad.id)).toEqual([]);
      const letter = await waitFor(() => jsm.streams.getMessage(STREAM_DLQ, { last_by_subj: `dlq.${CONSUMER}.${bad.type}` }), {
        message: `${bad.type} was not dead-lettered`,
      });
      expect(letter!.json<CloudEvent>().id).toBe(bad.id); // the original envelope, byte for byte
      expect(letter!.header.get(HEADER.dlqConsumer)).toBe(CONSUMER);
      expect(letter!.header.get(HEADER.dlqReason)).toBe('non_retryable');
      expect(letter!.header.get(HEADER.deliveries)).toBe('1');
      expect(letter!.header.get(HEADER.error)).toContain(`PostgreSQL refused event ${bad.id}`);
      expect(letter!.header.get(HEADER.error)).toContain(needle);
    }
  });
});
