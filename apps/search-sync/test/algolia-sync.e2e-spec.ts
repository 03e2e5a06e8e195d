import request from 'supertest';
import { STREAM_DLQ } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { AlgoliaStandIn } from './algolia-stand-in.js';
import { RawPublisher, RunningSearchSync, startSearchSync, syncEventsConfig, vendor, vendorEvent } from './support.js';

const BATCH = /^POST \/1\/indexes\/\*\/batch$/;
type BatchBody = { requests: { action: string; indexName: string; body: Record<string, unknown> }[] };
const batchBodies = (stand: AlgoliaStandIn) => stand.sent(BATCH).map((r) => r.body as BatchBody);

describe('search-sync into Algolia (algoliasearch v5 against a local stand-in; real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let stand: AlgoliaStandIn;
  let sync: RunningSearchSync;
  let raw: RawPublisher;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('search_sync_algolia');
    stand = new AlgoliaStandIn();
    const url = await stand.start();
    sync = await startSearchSync({
      events: syncEventsConfig(nats, db),
      search: {
        provider: 'algolia',
        algolia: { appId: stand.appId, apiKey: stand.apiKey, hosts: [url], timeoutMs: 500 },
        healthProbeIntervalMs: 0,
      },
    });
    raw = await RawPublisher.connect(nats.url);
  });

  afterAll(async () => {
    await raw?.close();
    await sync?.close();
    await stand?.close();
    await nats?.close();
    await db?.drop();
  });

  const inIndex = (objectID: string, index = 'vendors') => stand.indexes.get(index)?.get(objectID);
  const requestsFor = (objectID: string) =>
    batchBodies(stand).flatMap((b) => b.requests.filter((r) => r.body.objectID === objectID));
  const dlqFor = async (eventId: string) => {
    const info = await raw.jsm.streams.info(STREAM_DLQ).catch(() => undefined);
    if (!info) return undefined;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await raw.jsm.streams.getMessage(STREAM_DLQ, { seq }).catch(() => null);
      if (m && m.json<{ id: string }>().id === eventId) return m;
    }
    return undefined;
  };

  it('sends creates, updates and deletes as multi-index batch requests with the exact actions, index, objectID and body', async () => {
    const v = vendor({ name: 'Algolia Taco', description: 'tortillas' });
    await raw.publish(vendorEvent.created(v, '2025-05-01T00:00:01Z'));
    await waitFor(() => inIndex(v.id)?.name === 'Algolia Taco');
    await raw.publish(vendorEvent.updated({ ...v, name: 'Algolia Burrito', lat: null }, '2025-05-01T00:00:02Z'));
    await waitFor(() => inIndex(v.id)?.name === 'Algolia Burrito');
    await raw.publish(vendorEvent.deleted(v, '2025-05-01T00:00:03Z'));
    await waitFor(() => stand.indexes.get('vendors')?.has(v.id) === false);

    expect(requestsFor(v.id)).toEqual([
      {
        action: 'updateObject',
        indexName: 'vendors',
        body: {
          objectID: v.id,
          name: 'Algolia Taco',
          description: 'tortillas',
          phone: null,
          website: null,
          open: true,
          primaryImage: null,
          createdAt: v.createdAt,
          updatedAt: v.updatedAt,
          _geoloc: { lat: 52.52, lng: 13.4 },
        },
      },
      {
        action: 'updateObject',
        indexName: 'vendors',
        body: expect.not.objectContaining({ _geoloc: expect.anything() }) as never,
      },
      { action: 'deleteObject', indexName: 'vendors', body: { objectID: v.id } },
    ]);
    const first = stand.sent(BATCH)[0];
    expect(first).toMatchObject({ appId: stand.appId, apiKey: stand.apiKey });
  });

  it('sends nothing for an older update after a newer one, or for anything older than a delete', async () => {
    const v = vendor({ name: 'Guarded' });
    await raw.publish(vendorEvent.created(v, '2025-05-02T00:00:01Z'));
    await raw.publish(vendorEvent.updated({ ...v, name: 'Guarded Newest' }, '2025-05-02T00:00:05Z'));
    await waitFor(() => inIndex(v.id)?.name === 'Guarded Newest');
    await raw.publish(vendorEvent.updated({ ...v, name: 'Guarded Stale' }, '2025-05-02T00:00:03Z'));
    await raw.publish(vendorEvent.deleted(v, '2025-05-02T00:00:09Z'));
    await waitFor(() => stand.indexes.get('vendors')?.has(v.id) === false);
    await raw.publish(vendorEvent.updated({ ...v, name: 'Guarded Zombie' }, '2025-05-02T00:00:08Z'), { replay: true });
    await raw.publish(vendorEvent.created(v, '2025-05-02T00:00:01Z'), { replay: true });
    await raw.idle();
    const names = requestsFor(v.id).map((r) => r.body.name ?? r.action);
    expect(names).not.toContain('Guarded Stale');
    expect(names).not.toContain('Guarded Zombie');
    expect(names.at(-1)).toBe('deleteObject');
    expect(inIndex(v.id)).toBeUndefined();
  });

  it('waits out a 429 for the Retry-After delay, then lands the batch', async () => {
    const v = vendor({ name: 'Rate Limited' });
    stand.answerNext(BATCH, { status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too many requests', status: 429 } });
    await raw.publish(vendorEvent.created(v));
    await waitFor(() => inIndex(v.id)?.name === 'Rate Limited', { timeoutMs: 15_000 });
    const tries = stand.sent(BATCH).filter((r) => (r.body as BatchBody).requests.some((q) => q.body.objectID === v.id));
    expect(tries).toHaveLength(2);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(900);
  });

  it('rides out 500s for a while: nothing is lost or dead-lettered, and the index ends in the newest state', async () => {
    const dlqBefore = (await raw.jsm.streams.info(STREAM_DLQ)).state.messages;
    const failedBefore = stand.requests.length;
    stand.failFor(BATCH, 2_500, 500);
    const vs = Array.from({ length: 10 }, (_, i) => vendor({ name: `Outage ${i} v0` }));
    for (let round = 0; round < 3; round++) {
      await Promise.all(vs.map((v, i) => raw.publish(vendorEvent.updated({ ...v, name: `Outage ${i} v${round}` }, `2025-05-03T00:00:0${round}Z`))));
    }
    await waitFor(() => vs.every((v, i) => inIndex(v.id)?.name === `Outage ${i} v2`), { timeoutMs: 30_000, message: 'the outage was not caught up' });
    await raw.idle();
    const tries = stand.requests.slice(failedBefore).filter((r) => BATCH.test(`${r.method} ${r.path}`));
    expect(tries.filter((r) => r.status === 500).length).toBeGreaterThan(0);
    expect(tries.at(-1)!.status).toBe(200);
    expect((await raw.jsm.streams.info(STREAM_DLQ)).state.messages).toBe(dlqBefore);
  });

  it('rides out Algolia refusing connections (network errors) and catches up once it is back', async () => {
    await stand.close();
    const v = vendor({ name: 'Network Down' });
    const published = raw.publish(vendorEvent.created(v));
    await published;
    await waitFor(async () => (await raw.jsm.consumers.info('EVENTS', 'search-sync')).num_redelivered > 0, { message: 'the batch was not retried' });
    await stand.start();
    await waitFor(() => inIndex(v.id)?.name === 'Network Down', { timeoutMs: 20_000 });
    await raw.idle();
  });

  it('retries a batch whose answer hangs past the client timeout, safely (it was applied once already)', async () => {
    const v = vendor({ name: 'Hung Once' });
    stand.answerNext(BATCH, 'hang');
    await raw.publish(vendorEvent.created(v));
    // Applied by the stand-in but unanswered: the message stays unacknowledged meanwhile.
    await waitFor(() => inIndex(v.id));
    expect((await raw.jsm.consumers.info('EVENTS', 'search-sync')).num_ack_pending).toBeGreaterThan(0); // within the 500 ms client timeout
    await waitFor(() => requestsFor(v.id).length >= 2, { timeoutMs: 20_000, message: 'the hung batch was not retried' });
    await raw.idle();
    const tries = stand.sent(BATCH).filter((r) => (r.body as BatchBody).requests.some((q) => q.body.objectID === v.id));
    expect(tries[0].status).toBeUndefined(); // never answered
    expect(tries.at(-1)!.status).toBe(200);
    expect(inIndex(v.id)?.name).toBe('Hung Once');
  });

  it('dead-letters a record Algolia refuses as too big, with its message, and lands the rest of its batch', async () => {
    const dlqBefore = (await raw.jsm.streams.info(STREAM_DLQ)).state.messages;
    const small = [vendor({ name: 'Small One' }), vendor({ name: 'Small Two' })];
    const big = vendor({ name: 'Too Big', description: 'x'.repeat(20_000) });
    const bigEvent = vendorEvent.created(big);
    await Promise.all([raw.publish(vendorEvent.created(small[0])), raw.publish(bigEvent), raw.publish(vendorEvent.created(small[1]))]);
    const dead = await waitFor(() => dlqFor(bigEvent.id), { timeoutMs: 15_000, message: 'the big record was not dead-lettered' });
    expect(dead!.header.get('Mesh-Dlq-Reason')).toBe('non_retryable');
    expect(dead!.header.get('Mesh-Error')).toMatch(/^NonRetryableError: algolia refused the record: Record at the position 0 objectID=\S+ is too big size=2\d{4}\/10000 bytes/);
    await waitFor(() => small.every((v) => inIndex(v.id)?.name === v.name));
    expect(inIndex(big.id)).toBeUndefined();
    // The refused record went alone in its last request.
    const lastWithBig = batchBodies(stand).filter((b) => b.requests.some((r) => r.body.objectID === big.id)).at(-1)!;
    expect(lastWithBig.requests.map((r) => r.body.objectID)).toEqual([big.id]);
    await raw.idle();
    expect((await raw.jsm.streams.info(STREAM_DLQ)).state.messages).toBe(dlqBefore + 1);
  });

  it("answers GET /search through Algolia's search API", async () => {
    const v = vendor({ name: 'Searchable Crepes' });
    await raw.publish(vendorEvent.created(v));
    await waitFor(() => inIndex(v.id));
    const res = await request(sync.app.getHttpServer()).get('/search').query({ index: 'vendors', q: 'crepes', hitsPerPage: 5 }).expect(200);
    expect(res.body).toMatchObject({ index: 'vendors', query: 'crepes', provider: 'algolia', nbHits: 1, page: 0, hitsPerPage: 5 });
    expect(res.body.hits).toEqual([inIndex(v.id)]);
    expect(stand.sent(/^POST \/1\/indexes\/vendors\/query$/).at(-1)!.body).toEqual({ query: 'crepes', page: 0, hitsPerPage: 5 });
  });

  it('reports Algolia in /health/events, down (503) while it does not answer', async () => {
    const server = sync.app.getHttpServer();
    const up = await request(server).get('/health/events').expect(200);
    expect(up.body.details.searchProvider).toMatchObject({ status: 'up', provider: 'algolia', reachable: true, backlog: 0 });
    expect(up.body.details.searchProvider.lastSuccessfulBatchAt).not.toBeNull();
    stand.failFor(/^GET \/1\/indexes$/, 60_000, 503);
    const down = await request(server).get('/health/events').expect(503);
    expect(down.body.error.searchProvider).toMatchObject({ status: 'down', provider: 'algolia', reachable: false });
    expect(down.body.error.searchProvider.message).toContain('Algolia unreachable (HTTP 503)');
    stand.failFor(/^GET \/1\/indexes$/, 0);
    await request(server).get('/health/events').expect(200);
  });
});
