import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { connectEventConsumer } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { AppModule as EventStoreModule } from '../../event-store/src/app.module.js';
import { configureApp as configureEventStore } from '../../event-store/src/configure-app.js';
import { RETENTION_CONFIG, retentionConfigFromEnv } from '../../event-store/src/retention/event-store-env.js';
import type { SearchSyncConfig } from '../src/config/search-sync-env.js';
import type { ReindexJob } from '../src/reindex/reindex-job.js';
import { AlgoliaStandIn } from './algolia-stand-in.js';
import { localSearch, RawPublisher, RunningSearchSync, startSearchSync, syncEventsConfig, TestVendor, vendor, vendorEvent } from './support.js';

const KEY = 'test-admin-key';

/** The event-store in this process, on the same nats-server and database, as its main.ts sets it up. */
async function startEventStore(nats: NatsServerHarness, db: TestDatabase): Promise<{ app: INestApplication; url: string }> {
  const ref = await Test.createTestingModule({
    imports: [EventStoreModule.forRoot({ natsServers: [nats.url], databaseUrl: db.url, adminApiKey: KEY, backoffMs: [200], maxDeliver: 50 })],
  })
    // The vendors' events are dated 2025: the store's first retention pass (10 s after start) would archive the history a reindex reads.
    .overrideProvider(RETENTION_CONFIG)
    .useValue({ ...retentionConfigFromEnv({}), days: 0 })
    .compile();
  const app = configureEventStore(ref.createNestApplication({ logger: ['error'] }));
  await connectEventConsumer(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/**
 * What the index must hold: per vendor, its last event. Events get strictly increasing times, so
 * "last published" and "newest" agree whatever order the consumers see them in.
 */
class Model {
  readonly live = new Map<string, TestVendor>();
  private tick = 0;
  constructor(private readonly raw: RawPublisher) {}
  private time() {
    return new Date(Date.UTC(2025, 7, 1) + ++this.tick).toISOString();
  }
  async create(v = vendor()) {
    this.live.set(v.id, v);
    await this.raw.publish(vendorEvent.created(v, this.time()));
    return v;
  }
  async update(v: TestVendor, name: string) {
    const next = { ...v, name };
    this.live.set(v.id, next);
    await this.raw.publish(vendorEvent.updated(next, this.time()));
  }
  async remove(v: TestVendor) {
    this.live.delete(v.id);
    await this.raw.publish(vendorEvent.deleted(v, this.time()));
  }
  any(): TestVendor {
    const all = [...this.live.values()];
    return all[Math.floor(Math.random() * all.length)];
  }
  /** `n` different live vendors (two `any()` calls may draw the same one). */
  distinct(n: number): TestVendor[] {
    const all = [...this.live.values()];
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, n);
  }
  expected() {
    return [...this.live.values()].map((v) => ({ objectID: v.id, name: v.name })).sort((a, b) => (a.objectID < b.objectID ? -1 : 1));
  }
}

/** Live traffic until stopped: updates, creates and a few deletes, one at a time. */
function traffic(model: Model) {
  let stop = false;
  let n = 0;
  const done = (async () => {
    while (!stop) {
      n++;
      const pick = n % 10;
      if (pick < 6) await model.update(model.any(), `Live ${n}`);
      else if (pick < 9) await model.create(vendor({ name: `Live new ${n}` }));
      else await model.remove(model.any());
      await new Promise((r) => setTimeout(r, 3));
    }
  })();
  return {
    count: () => n,
    stop: async () => {
      stop = true;
      await done;
    },
  };
}

async function storedEventCount(db: TestDatabase) {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type LIKE 'vendor.%'`)).rows[0].n;
}

interface Stack {
  nats: NatsServerHarness;
  db: TestDatabase;
  store: { app: INestApplication; url: string };
  sync: RunningSearchSync;
  raw: RawPublisher;
  model: Model;
  published(): number;
}

async function startStack(prefix: string, search: (storeUrl: string) => Partial<SearchSyncConfig>): Promise<Stack> {
  const nats = await NatsServerHarness.start();
  const db = await TestDatabase.create(prefix);
  const store = await startEventStore(nats, db);
  const sync = await startSearchSync({ events: syncEventsConfig(nats, db, { adminApiKey: KEY }), search: search(store.url) });
  const raw = await RawPublisher.connect(nats.url);
  const model = new Model(raw);
  let published = 0;
  const publish = raw.publish.bind(raw);
  raw.publish = (event, opts) => {
    if (!opts?.replay) published++; // the replay lane is search-sync's alone: the event store does not see it
    return publish(event, opts);
  };
  return { nats, db, store, sync, raw, model, published: () => published };
}

async function stopStack(s: Stack | undefined) {
  await s?.raw.close();
  await s?.sync.close();
  await s?.store.app.close();
  await s?.nats.close();
  await s?.db.drop();
}

/** Seeds vendors, some updated and some deleted, and waits until search-sync and the event store have them all. */
async function seed(s: Stack, count: number) {
  const created: TestVendor[] = [];
  for (let i = 0; i < count; i++) created.push(await s.model.create(vendor({ name: `Seed ${i}` })));
  for (const v of created.slice(0, count / 4)) await s.model.update(v, `${v.name} renamed`);
  for (const v of created.slice(count - count / 5)) await s.model.remove(v);
  await s.raw.idle();
  await waitFor(async () => (await storedEventCount(s.db)) === s.published(), { timeoutMs: 30_000, message: 'the event store did not store the seed' });
}

const startReindex = (s: Stack) => request(s.sync.app.getHttpServer()).post('/search/reindex').query({ index: 'vendors' }).set('X-Api-Key', KEY);
const jobOf = async (s: Stack, id: string) => (await request(s.sync.app.getHttpServer()).get(`/search/reindex/${id}`).set('X-Api-Key', KEY).expect(200)).body as ReindexJob;

describe('POST /search/reindex into the local index, during live traffic (real nats-server, PostgreSQL and event-store)', () => {
  let s: Stack;

  beforeAll(async () => {
    s = await startStack('search_reindex_local', (eventStoreUrl) => localSearch({ eventStoreUrl, reindexPageSize: 50, reindexLagGraceMs: 5_000 }));
    await seed(s, 200);
  });
  afterAll(() => stopStack(s));

  const liveIndex = async () =>
    (await s.db.query<{ objectID: string; name: string }>(`SELECT object_id AS "objectID", record->>'name' AS name FROM search_documents WHERE index_name = 'vendors' AND NOT deleted ORDER BY object_id`)).rows;

  it('refuses without the admin key, an unknown index and a missing one, naming the problem', async () => {
    const server = s.sync.app.getHttpServer();
    await request(server).post('/search/reindex').query({ index: 'vendors' }).expect(401);
    await request(server).post('/search/reindex').query({ index: 'vendors' }).set('X-Api-Key', 'wrong').expect(403);
    const unknown = await request(server).post('/search/reindex').query({ index: 'orders' }).set('X-Api-Key', KEY).expect(404);
    expect(unknown.body.message).toContain('not in the search mapping');
    const missing = await request(server).post('/search/reindex').set('X-Api-Key', KEY).expect(400);
    expect(JSON.stringify(missing.body.message)).toContain('index is required');
    await request(server).get('/search/reindex/0193c7a0-0000-7000-8000-000000000001').set('X-Api-Key', KEY).expect(404);
  });

  it('rebuilds the index from history while live events keep coming, swaps it in whole, and ends equal to the current state', async () => {
    expect(await liveIndex()).toEqual(s.model.expected());
    // Drift the live index away from the truth: lose ten records, gain a ghost.
    const lost = s.model.expected().slice(0, 10).map((r) => r.objectID);
    await s.db.query(`DELETE FROM search_documents WHERE index_name = 'vendors' AND object_id = ANY($1)`, [lost]);
    // A ghost with no known event (as a document from before the guard moved onto the rows).
    await s.db.query(
      `INSERT INTO search_documents (index_name, object_id, record, primary_text, document, event_time, event_id, deleted)
       SELECT index_name, 'ghost', record, primary_text, document, '-infinity', '', false FROM search_documents WHERE index_name = 'vendors' AND NOT deleted LIMIT 1`,
    );
    const before = (await liveIndex()).length;

    const live = traffic(s.model);
    await waitFor(() => live.count() > 20);
    const started = await startReindex(s).expect(202);
    const job = started.body as ReindexJob;
    expect(started.headers.location).toBe(`/search/reindex/${job.id}`);
    expect(job).toMatchObject({ index: 'vendors', status: 'running', tempIndex: expect.stringMatching(/^vendors_reindex_[0-9a-f]{12}$/) });
    const again = await startReindex(s).expect(409);
    expect(again.body.message).toContain(`already running (job ${job.id})`);

    // Searches see the whole old index until the swap, never a part of the new one.
    const seen: ReindexJob[] = [];
    const done = await waitFor(
      async () => {
        const hits = (await request(s.sync.app.getHttpServer()).get('/search').query({ index: 'vendors', hitsPerPage: 1 }).expect(200)).body.nbHits as number;
        const now = await jobOf(s, job.id);
        seen.push(now);
        if (now.status !== 'done') expect(hits).toBeGreaterThanOrEqual(before * 0.9);
        if (now.status === 'failed') throw new Error(`reindex failed: ${now.error}`);
        return now.status === 'done' ? now : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 20, message: 'the reindex did not finish' },
    );
    await live.stop();
    await s.raw.idle();

    const seeded = 200 + 50 + 40;
    expect(seen.some((j) => j.status === 'running' && j.eventsRead > 0 && j.eventsRead < done!.eventsRead)).toBe(true);
    expect(done!.eventsRead).toBeGreaterThanOrEqual(seeded);
    expect(done).toMatchObject({ status: 'done', error: null, recordsRejected: 0, missingHistory: 0 });
    expect(done!.finishedAt).not.toBeNull();
    const rebuilt = await liveIndex();
    expect(rebuilt).toEqual(s.model.expected());
    expect(rebuilt.map((r) => r.objectID)).toEqual(expect.arrayContaining(lost.filter((id) => s.model.live.has(id))));
    expect((await s.db.query(`SELECT count(*)::int AS n FROM search_documents WHERE index_name = $1`, [job.tempIndex])).rows[0].n).toBe(0);
    expect((await s.db.query(`SELECT count(*)::int AS n FROM search_sync_state WHERE index_name = $1`, [job.tempIndex])).rows[0].n).toBe(0);

    // The guard came along: an old event replayed after the swap still changes nothing.
    const v = s.model.any();
    await s.raw.publish(vendorEvent.updated({ ...v, name: 'Replayed Stale' }, '2025-01-01T00:00:00Z'), { replay: true });
    await s.raw.idle();
    expect((await liveIndex()).find((r) => r.objectID === v.id)?.name).toBe(v.name);
  });

  const lastEventIds = async (objectIDs: string[]) =>
    (await s.db.query<{ event_id: string }>(`SELECT event_id FROM search_documents WHERE index_name = 'vendors' AND object_id = ANY($1)`, [objectIDs])).rows.map((r) => r.event_id);
  const runToEnd = async (id: string): Promise<ReindexJob> =>
    waitFor<ReindexJob | undefined>(
      async () => {
        const now = await jobOf(s, id);
        return now.status === 'done' || now.status === 'failed' ? now : undefined;
      },
      { timeoutMs: 60_000, message: 'the reindex did not finish' },
    ) as Promise<ReindexJob>;

  it('waits for changes the live index has and the event store has not stored yet, then includes them', async () => {
    // The event store lags: the last events of three vendors are not stored yet (held aside here).
    const lagging = s.model.distinct(3);
    for (const v of lagging) await s.model.update(v, `Lagging ${v.id.slice(-4)}`);
    await s.raw.idle();
    await waitFor(async () => (await storedEventCount(s.db)) === s.published());
    const ids = await lastEventIds(lagging.map((v) => v.id));
    await s.db.query(`CREATE TABLE held_events AS SELECT * FROM events WHERE id = ANY($1::text[])`, [ids]);
    await s.db.query(`DELETE FROM events WHERE id = ANY($1::text[])`, [ids]);

    const job = (await startReindex(s).expect(202)).body as ReindexJob;
    // The store catches up once the history read is over.
    const stored = await storedEventCount(s.db);
    await waitFor(async () => (await jobOf(s, job.id)).eventsRead >= stored, { message: 'the history read did not end' });
    await s.db.query(`INSERT INTO events SELECT * FROM held_events`);
    await s.db.query(`DROP TABLE held_events`);
    const done = await runToEnd(job.id);
    expect(done).toMatchObject({ status: 'done', caughtUp: expect.any(Number) as number, missingHistory: 0 });
    expect(done.caughtUp).toBeGreaterThanOrEqual(ids.length);
    expect(await liveIndex()).toEqual(s.model.expected());
  });

  it('carries over the live record of a vendor whose history is gone (retention), and counts it', async () => {
    const old = s.model.distinct(2);
    const ids = await lastEventIds(old.map((v) => v.id));
    await s.db.query(`DELETE FROM events WHERE resource_id = ANY($1)`, [old.map((v) => v.id)]);
    await s.db.query(`UPDATE search_documents SET applied_at = now() - interval '1 day' WHERE event_id = ANY($1)`, [ids]);
    const job = (await startReindex(s).expect(202)).body as ReindexJob;
    const done = await runToEnd(job.id);
    expect(done).toMatchObject({ status: 'done', missingHistory: 2 });
    expect(await liveIndex()).toEqual(s.model.expected());
  });

  it('fails, leaving the live index as it was, when a recent change never reaches the event store', async () => {
    const v = s.model.any();
    await s.model.update(v, 'Never Stored');
    await s.raw.idle();
    await waitFor(async () => (await storedEventCount(s.db)) >= 1);
    const [id] = await lastEventIds([v.id]);
    await waitFor(async () => (await s.db.query('DELETE FROM events WHERE id = $1', [id])).rowCount === 1);
    const before = await liveIndex();
    const job = (await startReindex(s).expect(202)).body as ReindexJob;
    const failed = await runToEnd(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/the event store has not stored 1 event\(s\) the live index applied since 5 s before the reindex started .*is the event-store consumer lagging\? Start the reindex again/);
    expect(await liveIndex()).toEqual(before);
    expect((await s.db.query(`SELECT count(*)::int AS n FROM search_documents WHERE index_name = $1`, [job.tempIndex])).rows[0].n).toBe(0);
    // A failed job does not block the next one.
    const next = (await startReindex(s).expect(202)).body as ReindexJob;
    await runToEnd(next.id);
  });
});

describe('POST /search/reindex into Algolia (stand-in), with a live event during the rebuild', () => {
  let s: Stack;
  let stand: AlgoliaStandIn;

  beforeAll(async () => {
    stand = new AlgoliaStandIn();
    const url = await stand.start();
    s = await startStack('search_reindex_algolia', (eventStoreUrl) => ({
      provider: 'algolia',
      algolia: { appId: stand.appId, apiKey: stand.apiKey, hosts: [url], timeoutMs: 2_000 },
      eventStoreUrl,
      reindexPageSize: 20,
    }));
    await seed(s, 40);
    stand.settings.set('vendors', { searchableAttributes: ['name', 'description'] });
  });
  afterAll(async () => {
    await stopStack(s);
    await stand?.close();
  });

  it('copies the settings to a temporary index, fills it from history and live traffic, then moves it over the live one', async () => {
    stand.indexes.get('vendors')!.delete(s.model.expected()[0].objectID); // drift
    stand.taskPolls = 3; // the copy takes a moment: a live event arrives meanwhile
    const job = (await startReindex(s).expect(202)).body as ReindexJob;
    const renamed = s.model.any();
    await s.model.update(renamed, 'Renamed During Reindex');
    const done = await waitFor(
      async () => {
        const now = await jobOf(s, job.id);
        if (now.status === 'failed') throw new Error(`reindex failed: ${now.error}`);
        return now.status === 'done' ? now : undefined;
      },
      { timeoutMs: 60_000, message: 'the reindex did not finish' },
    );
    await s.raw.idle();
    expect(done!.status).toBe('done');

    const ops = stand.sent(/^POST \/1\/indexes\/[^/]+\/operation$/).map((r) => ({ path: r.path, body: r.body }));
    expect(ops).toEqual([
      { path: '/1/indexes/vendors/operation', body: { operation: 'copy', destination: job.tempIndex, scope: ['settings', 'synonyms', 'rules'] } },
      { path: `/1/indexes/${job.tempIndex}/operation`, body: { operation: 'move', destination: 'vendors' } },
    ]);
    expect(stand.sent(new RegExp(`^GET /1/indexes/${job.tempIndex}/task/\\d+$`)).length).toBeGreaterThan(0);
    // The live change went to both indexes in one batch call.
    const batches = stand.sent(/^POST \/1\/indexes\/\*\/batch$/).map((r) => (r.body as { requests: { indexName: string; body: { objectID: string; name?: string } }[] }).requests);
    expect(batches.some((b) => ['vendors', job.tempIndex].every((i) => b.some((q) => q.indexName === i && q.body.name === 'Renamed During Reindex')))).toBe(true);
    // History went to the temporary index only.
    expect(batches.some((b) => b.every((q) => q.indexName === job.tempIndex))).toBe(true);

    expect(stand.indexes.has(job.tempIndex)).toBe(false);
    expect(stand.settings.get('vendors')).toEqual({ searchableAttributes: ['name', 'description'] });
    expect(stand.records('vendors').map((r) => ({ objectID: r.objectID, name: r.name }))).toEqual(s.model.expected());
  });
});
