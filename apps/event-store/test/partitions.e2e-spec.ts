import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createEnvelope } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { EventPartitionsService } from '../src/partitions/event-partitions.service.js';
import { dataSourceRowWriter, type RowWriter } from '../src/writer/insert-events.sql.js';
import { toEventRow } from '../src/writer/event-row.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

/** The summaries, to compare before and after a move that must not change them. */
const SUMMARIES = `SELECT (SELECT json_agg(r ORDER BY hour, type, level, source) FROM event_rollup r) AS hourly,
  (SELECT json_agg(d ORDER BY day, type, level, source) FROM event_rollup_daily d) AS daily,
  (SELECT json_agg(t ORDER BY type) FROM event_types t) AS types`;

describe('event-store time partitions (real PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let pool: pg.Pool;
  let partitions: EventPartitionsService;
  let write: RowWriter;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_partitions');
    store = await startEventStore(storeTestConfig(nats, db));
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    partitions = store.app.get(EventPartitionsService);
    write = dataSourceRowWriter(store.app.get(DataSource));
  });

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await nats?.close();
    await db?.drop();
  });

  const rows = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;
  /** The table holding event `id` (a partition of `events`), or undefined. */
  const partitionOf = async (id: string) => (await rows(`SELECT tableoid::regclass::text AS t FROM events WHERE id = $1`, [id]))[0]?.t as string | undefined;
  const liveDays = async () => (await rows(`SELECT to_char(d, 'YYYYMMDD') AS d FROM event_partition_days('events') d`)).map((r) => r.d as string);
  const row = (type: string, time: string, data: unknown = {}, id?: string) => {
    const envelope = { ...createEnvelope(type, data, 'partition-spec'), time, ...(id === undefined ? {} : { id }) };
    return toEventRow(envelope, undefined, new Date());
  };

  it('creates the weeks holding yesterday to today + 7 days (UTC, Monday to Sunday) across a month boundary, once', async () => {
    // Thursday 29 April 2027: its week runs into May, and the next one starts on Monday 3 May.
    expect(await partitions.ensure(new Date('2027-04-29T12:00:00Z'))).toBe(2);
    expect(await partitions.ensure(new Date('2027-04-29T23:00:00Z'))).toBe(0);
    const weeks = await liveDays();
    expect(weeks).toEqual(expect.arrayContaining(['20270426', '20270503']));
    expect(weeks).not.toContain('20270510');

    const edges = ['2027-04-26T00:00:00Z', '2027-04-30T23:59:59.999999Z', '2027-05-01T00:00:00Z', '2027-05-02T23:59:59.999999Z', '2027-05-03T00:00:00Z'].map((t) =>
      row('partition.edge', t),
    );
    await write(edges);
    expect(await Promise.all(edges.map((e) => partitionOf(e.id)))).toEqual([
      'events_p20270426',
      'events_p20270426',
      'events_p20270426',
      'events_p20270426',
      'events_p20270503',
    ]);
  });

  it('stores an event outside every partition in events_default and moves it into its week when that is created, summaries unchanged', async () => {
    const stray = row('partition.stray', '2027-03-15T10:00:00Z', { n: 1 });
    await write([stray]);
    expect(await partitionOf(stray.id)).toBe('events_default');
    const before = await rows(SUMMARIES);

    expect(await partitions.ensure(new Date('2027-03-14T08:00:00Z'))).toBe(2);
    expect(await partitionOf(stray.id)).toBe('events_p20270315');
    expect((await rows(`SELECT count(*)::int AS n FROM events_default`))[0].n).toBe(0);
    expect(await rows(SUMMARIES)).toEqual(before);
    const res = await request(store.url).get(`/events/${stray.id}`).expect(200);
    expect(res.body).toMatchObject({ id: stray.id, type: 'partition.stray', data: { n: 1 } });
  });

  it("deduplicates an id across partitions with the writer's statement, also within one batch, keeping the first stored", async () => {
    expect(await partitions.ensure(new Date('2027-01-30T12:00:00Z'))).toBe(2); // the weeks of 25 January and 1 February
    const first = row('partition.dup', '2027-01-31T12:00:00Z', { copy: 'first' });
    await write([first]);
    // The same id later with another time (another partition), twice in a batch, and beside a new event.
    const other = row('partition.dup', '2027-02-02T12:00:00Z', { copy: 'other' });
    await write([{ ...first, time: '2027-02-01T12:00:00Z', data: { copy: 'again' } }, { ...first, time: '2027-02-02T09:00:00Z', data: { copy: 'again' } }, other]);
    await write([{ ...other, data: { copy: 'other again' } }, { ...other, data: { copy: 'other again' } }]);
    // A new id twice in one batch: one row, the first in the batch.
    const twin = row('partition.dup', '2027-02-03T12:00:00Z', { copy: 'twin' });
    await write([twin, { ...twin, time: '2027-02-01T08:00:00Z', data: { copy: 'twin again' } }]);

    expect(await rows(`SELECT id, data FROM events WHERE type = 'partition.dup' ORDER BY time`)).toEqual([
      { id: first.id, data: { copy: 'first' } },
      { id: other.id, data: { copy: 'other' } },
      { id: twin.id, data: { copy: 'twin' } },
    ]);
    expect(await partitionOf(first.id)).toBe('events_p20270125');
    expect((await rows(`SELECT count(*)::int AS n FROM event_rollup WHERE type = 'partition.dup'`))[0].n).toBeGreaterThanOrEqual(2);
    expect((await rows(`SELECT sum(count)::int AS n FROM event_rollup WHERE type = 'partition.dup'`))[0].n).toBe(3);
    expect((await rows(`SELECT count::int FROM event_types WHERE type = 'partition.dup'`))[0].count).toBe(3);
  });

  it('serves GET /events/:id for a UUID v7 and for other ids (NUID, ULID, order-42) from their partitions, and 404 for an unknown one', async () => {
    const ids = ['oDFKhn1ZQTIohvkNHqP6RY', '01JEX7Z7Q9M3Y1V4W5T6R8K2PD', 'order-42/β'];
    const stored = [row('partition.ids', '2027-02-03T01:00:00Z', { i: 0 }), ...ids.map((id, i) => row('partition.ids', `2027-02-0${4 + i}T01:00:00Z`, { i: i + 1 }, id))];
    expect(stored[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    await write(stored);
    for (const [i, event] of stored.entries()) {
      const res = await request(store.url).get(`/events/${encodeURIComponent(event.id)}`).expect(200);
      expect(res.body).toMatchObject({ id: event.id, data: { i } });
      expect(new Date(res.body.time as string).toISOString()).toBe(new Date(event.time).toISOString());
    }
    expect(await partitionOf('01JEX7Z7Q9M3Y1V4W5T6R8K2PD')).toBe('events_p20270201');
    await request(store.url).get('/events/order-43').expect(404);
  });

  it('keeps the dedup across the archive: an archived id written again is skipped, and GET /events?archived=true lists it', async () => {
    expect(await partitions.ensure(new Date('2027-01-12T12:00:00Z'))).toBe(2); // the weeks of 11 and 18 January
    const archived = row('partition.archived', '2027-01-13T05:00:00Z', { copy: 'first' });
    await write([archived]);
    expect(Number((await rows(`SELECT archive_event_partition('2027-01-11') AS n`))[0].n)).toBe(1);
    expect(await liveDays()).not.toContain('20270111');

    await write([{ ...archived, data: { copy: 'again' } }]);
    expect(await partitionOf(archived.id)).toBeUndefined();
    const page = await request(store.url).get('/events').query({ archived: 'true', type: 'partition.*' }).expect(200);
    expect(page.body.items).toEqual([expect.objectContaining({ id: archived.id, data: { copy: 'first' } })]);
    const live = await request(store.url).get('/events').query({ type: 'partition.archived' }).expect(200);
    expect(live.body.items).toEqual([]);
  });
});
