import request from 'supertest';
import { STREAM_DLQ } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { AppModule as VendorServiceModule } from '../../vendor-service/src/app.module.js';
import { configureApp as configureVendorService } from '../../vendor-service/src/configure-app.js';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { IndexWriter } from '../src/sync/index-writer.js';
import { localSearch, RawPublisher, RunningSearchSync, startSearchSync, syncEventsConfig, vendor, vendorEvent } from './support.js';

describe('search-sync into the local PostgreSQL full-text index (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let sync: RunningSearchSync;
  let vendors: INestApplication;
  let raw: RawPublisher;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('search_sync_local');
    sync = await startSearchSync({ events: syncEventsConfig(nats, db), search: localSearch() });
    const ref = await Test.createTestingModule({ imports: [VendorServiceModule.forRoot({ natsServers: [nats.url], databaseUrl: db.url })] }).compile();
    vendors = configureVendorService(ref.createNestApplication({ logger: ['error'] }));
    await vendors.init();
    raw = await RawPublisher.connect(nats.url);
  });

  afterAll(async () => {
    await raw?.close();
    await vendors?.close();
    await sync?.close();
    await nats?.close();
    await db?.drop();
  });

  const search = async (q: string, index = 'vendors') =>
    (await request(sync.app.getHttpServer()).get('/search').query({ index, q }).expect(200)).body as { hits: Record<string, unknown>[]; nbHits: number; provider: string };
  const stored = async (objectID: string) =>
    (await db.query<{ record: Record<string, unknown> }>(`SELECT record FROM search_documents WHERE index_name = 'vendors' AND object_id = $1 AND NOT deleted`, [objectID])).rows[0]?.record;
  const guard = async (objectID: string) =>
    (await db.query(`SELECT event_id, deleted FROM search_documents WHERE index_name = 'vendors' AND object_id = $1`, [objectID])).rows[0];

  it('indexes a vendor created, updated and deleted through vendor-service, with the mapped fields and _geoloc', async () => {
    const server = vendors.getHttpServer();
    const created = (await request(server).post('/vendors').send({ name: 'Zebra Grill', description: 'charcoal burgers', lat: 48.1, long: 11.5, phone: '+14155552671' }).expect(201)).body;
    const record = await waitFor(() => stored(created.id), { message: 'the created vendor never reached the index' });
    expect(record).toEqual({
      objectID: created.id,
      name: 'Zebra Grill',
      description: 'charcoal burgers',
      phone: '+14155552671',
      website: null,
      open: false,
      primaryImage: null,
      createdAt: created.createdAt,
      updatedAt: created.updatedAt,
      _geoloc: { lat: 48.1, lng: 11.5 },
    });
    expect((await search('zebr')).hits.map((h) => h.objectID)).toEqual([created.id]);

    await request(server).patch(`/vendors/${created.id}`).send({ name: 'Quagga Grill' }).expect(200);
    await waitFor(async () => (await stored(created.id))?.name === 'Quagga Grill', { message: 'the update never reached the index' });
    expect((await search('zebra')).hits).toEqual([]);
    expect((await search('quagga grill')).hits.map((h) => h.name)).toEqual(['Quagga Grill']);

    await request(server).delete(`/vendors/${created.id}`).expect(204);
    await waitFor(async () => (await stored(created.id)) === undefined, { message: 'the delete never reached the index' });
    expect((await search('quagga')).hits).toEqual([]);
    expect(await guard(created.id)).toMatchObject({ deleted: true });
  });

  it('ignores an older update that arrives after a newer one, and any older event after a delete (tombstone)', async () => {
    const v = vendor({ name: 'Original Name' });
    const t = (s: number) => `2025-06-01T10:00:${String(s).padStart(2, '0')}.000000Z`;
    await raw.publish(vendorEvent.created(v, t(1)));
    const newer = vendorEvent.updated({ ...v, name: 'Newest Name' }, t(5));
    await raw.publish(newer);
    await waitFor(async () => (await stored(v.id))?.name === 'Newest Name');

    // Late (relayed from an outbox, say): older time, new stream sequence.
    await raw.publish(vendorEvent.updated({ ...v, name: 'Stale Name' }, t(3)));
    // Same time, smaller id than the applied one: older by the tie-break.
    const tie = vendorEvent.updated({ ...v, name: 'Tie Loser' }, t(5));
    tie.id = '00000000-0000-7000-8000-000000000000';
    await raw.publish(tie);
    // Replayed through the replay lane: the same newest event again.
    await raw.publish(newer, { replay: true });
    await raw.idle();
    expect((await stored(v.id))?.name).toBe('Newest Name');
    expect(await guard(v.id)).toEqual({ event_id: newer.id, deleted: false });

    await raw.publish(vendorEvent.deleted(v, t(8)));
    await waitFor(async () => (await stored(v.id)) === undefined);
    await raw.publish(vendorEvent.updated({ ...v, name: 'Zombie Name' }, t(7)));
    await raw.publish(vendorEvent.created(v, t(2)), { replay: true });
    await raw.idle();
    expect(await stored(v.id)).toBeUndefined();
    expect((await search('zombie')).hits).toEqual([]);
    // Sub-millisecond order counts: 08.000001 is after the delete at 08.000000.
    await raw.publish(vendorEvent.created({ ...v, name: 'Reborn Name' }, '2025-06-01T10:00:08.000001Z'));
    await waitFor(async () => (await stored(v.id))?.name === 'Reborn Name', { message: 'a newer create after a delete must apply' });
  });

  it('applies an out-of-order burst for one vendor to its newest state, whatever order the batch holds', async () => {
    const v = vendor({ name: 'Burst 0' });
    const times = Array.from({ length: 50 }, (_, i) => `2025-07-01T00:00:00.${String(i).padStart(6, '0')}Z`);
    const events = times.map((t, i) => vendorEvent.updated({ ...v, name: `Burst ${i}` }, t));
    const shuffled = [...events].sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((e) => raw.publish(e)));
    await raw.idle();
    expect((await stored(v.id))?.name).toBe('Burst 49');
  });

  it('ends in the newest state when two replicas share the durable and race on the same vendors', async () => {
    const second = await startSearchSync({ events: syncEventsConfig(nats, db), search: localSearch() });
    try {
      // Both replicas have a pull request waiting, so the burst is split between them.
      await waitFor(async () => (await raw.jsm.consumers.info('EVENTS', 'search-sync')).num_waiting >= 2, { message: 'the second replica never pulled' });
      // More than one pull request's worth (1,000), so the server hands messages to both replicas.
      const vs = Array.from({ length: 30 }, () => vendor());
      const events = vs.flatMap((v, i) =>
        Array.from({ length: 100 }, (_, version) => vendorEvent.updated({ ...v, name: `Replica ${i} v${version}` }, `2025-08-01T00:00:00.${String(version).padStart(6, '0')}Z`)),
      );
      await Promise.all([...events].sort(() => Math.random() - 0.5).map((e) => raw.publish(e)));
      await raw.idle();
      for (const [i, v] of vs.entries()) expect((await stored(v.id))?.name).toBe(`Replica ${i} v99`);
      // Both replicas did part of the work.
      expect(second.app.get(IndexWriter).stats.items).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });

  it('finds vendors by a name prefix and ranks the exact name first, then whole words, then prefixes', async () => {
    const names = ['Tacos Locos', 'Best Taco Stand', 'Taco', 'Burrito Barn', 'Taco Stand'];
    const created = names.map((name) => vendor({ name, description: name === 'Burrito Barn' ? 'tacos too' : null }));
    await Promise.all(created.map((v) => raw.publish(vendorEvent.created(v))));
    await raw.idle();
    const taco = await search('taco');
    expect(taco.provider).toBe('local');
    expect(taco.hits[0].name).toBe('Taco');
    // Whole word "taco" in the name next, before the prefix-only "Tacos …" and the description match.
    expect(taco.hits.slice(1, 3).map((h) => h.name).sort()).toEqual(['Best Taco Stand', 'Taco Stand']);
    expect(taco.hits.slice(3).map((h) => h.name)).toEqual(['Tacos Locos', 'Burrito Barn']);
    expect(taco.nbHits).toBe(5);
    expect((await search('Taco Stand')).hits.map((h) => h.name)).toEqual(['Taco Stand', 'Best Taco Stand']);
    expect((await search('ta st')).hits.map((h) => h.name).sort()).toEqual(['Best Taco Stand', 'Taco Stand']);
    expect((await search("burr'&|!:*(")).hits.map((h) => h.name)).toEqual(['Burrito Barn']);
  });

  it('puts many operations in one batch under load', async () => {
    const batcher = sync.app.get(IndexWriter);
    const before = { ...batcher.stats };
    const burst = Array.from({ length: 600 }, () => vendorEvent.created(vendor()));
    await Promise.all(burst.map((e) => raw.publish(e)));
    await raw.idle();
    const batches = batcher.stats.batches - before.batches;
    const ops = batcher.stats.items - before.items;
    expect(ops).toBe(600);
    expect(ops / batches).toBeGreaterThan(5);
    expect(batcher.stats.largestBatch).toBeLessThanOrEqual(1000);
    expect((await db.query(`SELECT count(*)::int AS n FROM search_documents WHERE record->>'name' LIKE 'Vendor %'`)).rows[0].n).toBeGreaterThanOrEqual(600);
  });

  it('dead-letters an event the mapping cannot turn into a record, naming the missing field', async () => {
    const broken = vendorEvent.created({ ...vendor(), id: undefined as unknown as string });
    await raw.publish(broken);
    const dlq = await waitFor(async () => {
      const info = await raw.jsm.streams.info(STREAM_DLQ).catch(() => undefined);
      if (!info || info.state.messages === 0) return undefined;
      const m = await raw.jsm.streams.getMessage(STREAM_DLQ, { last_by_subj: 'dlq.search-sync.vendor.created' });
      return m?.json<{ id: string }>().id === broken.id ? m : undefined;
    });
    expect(dlq!.header.get('Mesh-Dlq-Reason')).toBe('non_retryable');
    expect(dlq!.header.get('Mesh-Error')).toContain('data.id (the objectID of vendors) is missing');
  });

  it('dead-letters alone a record PostgreSQL refuses (a NUL character), and indexes the rest of its batch', async () => {
    const good = vendor({ name: 'Clean Record' });
    const nul = vendorEvent.created(vendor({ name: 'Nul \u0000 Record' }));
    await Promise.all([raw.publish(vendorEvent.created(good)), raw.publish(nul)]);
    const dead = await waitFor(async () => {
      const m = await raw.jsm.streams.getMessage(STREAM_DLQ, { last_by_subj: 'dlq.search-sync.vendor.created' }).catch(() => null);
      return m?.json<{ id: string }>().id === nul.id ? m : undefined;
    });
    expect(dead!.header.get('Mesh-Error')).toMatch(/^NonRetryableError: local refused the record: PostgreSQL refused it: .*\[SQLSTATE 22/);
    await waitFor(() => stored(good.id));
    await raw.idle();
  });

  it('in a burst handled in batches, dead-letters only the unmappable event, acks an unmapped type, and indexes the rest', async () => {
    const dlqBefore = (await raw.jsm.streams.info(STREAM_DLQ)).state.messages;
    const writer = sync.app.get(IndexWriter);
    const before = { ...writer.stats };
    const good = Array.from({ length: 40 }, (_, i) => vendor({ name: `Batchmate ${i}` }));
    const broken = vendorEvent.created({ ...vendor(), id: undefined as unknown as string });
    const unmapped = { ...vendorEvent.created(vendor()), id: `order-${Date.now()}`, type: 'order.created' };
    const burst = [...good.slice(0, 20).map((v) => vendorEvent.created(v)), broken, unmapped, ...good.slice(20).map((v) => vendorEvent.created(v))];
    await Promise.all(burst.map((e) => raw.publish(e)));
    await raw.idle();
    for (const v of good) expect((await stored(v.id))?.name).toBe(v.name);
    // Only the unmappable event went to the DLQ; the unmapped type was acked without a trace.
    expect((await raw.jsm.streams.info(STREAM_DLQ)).state.messages).toBe(dlqBefore + 1);
    const dead = await raw.jsm.streams.getMessage(STREAM_DLQ, { last_by_subj: 'dlq.search-sync.vendor.created' });
    expect(dead!.json<{ id: string }>().id).toBe(broken.id);
    expect(dead!.header.get('Mesh-Error')).toContain('data.id (the objectID of vendors) is missing');
    // The 40 operations went out in fewer provider calls than events: the handler was called per batch.
    expect(writer.stats.items - before.items).toBe(40);
    expect(writer.stats.batches - before.batches).toBeLessThan(40);
  });

  it('answers 400 naming a bad search parameter and 404 for an index the mapping does not know', async () => {
    const server = sync.app.getHttpServer();
    const missing = await request(server).get('/search').query({ q: 'x' }).expect(400);
    expect(JSON.stringify(missing.body.message)).toContain('index');
    const unknown = await request(server).get('/search').query({ index: 'orders', q: 'x' }).expect(404);
    expect(unknown.body.message).toContain('known: vendors');
    await request(server).get('/search').query({ index: 'vendors', hitsPerPage: 1000 }).expect(400);
  });

  it('counts batches and what became of their operations in /metrics', async () => {
    const text = (await request(sync.app.getHttpServer()).get('/metrics').expect(200)).text;
    const value = (line: RegExp) => Number(line.exec(text)?.[1]);
    expect(value(/^mesh_search_batch_operations_count\{provider="local"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(value(/^mesh_search_operations_total\{provider="local",result="applied"\} (\d+)$/m)).toBeGreaterThan(600);
    expect(value(/^mesh_search_operations_total\{provider="local",result="skipped"\} (\d+)$/m)).toBeGreaterThan(0); // the stale and replayed ones
    expect(value(/^mesh_search_operations_total\{provider="local",result="refused"\} (\d+)$/m)).toBe(1); // the NUL record
    expect(value(/^mesh_search_backlog\{provider="local"\} (\d+)$/m)).toBe(0);
    expect(text).toMatch(/^mesh_search_batch_duration_seconds_count\{provider="local",outcome="accepted"\} \d+$/m);
  });

  it('reports the local provider in /health/events', async () => {
    const res = await request(sync.app.getHttpServer()).get('/health/events').expect(200);
    expect(res.body.details.searchProvider).toMatchObject({ status: 'up', provider: 'local', reachable: true, backlog: 0, lastError: null });
    expect(Date.parse(res.body.details.searchProvider.lastSuccessfulBatchAt)).toBeGreaterThan(Date.now() - 120_000);
    expect(res.body.service).toBe('search-sync');
  });
});
