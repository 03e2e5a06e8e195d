import { Controller, DynamicModule, Inject, INestApplication, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectEventConsumer, EventsModule, JetStreamContext } from '@app/events';
import type { CloudEvent } from '@app/events';
import { Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import type { EventStoreConfig } from '../src/app.module.js';
import { EventReplayer } from '../src/replay/event-replayer.service.js';
import { ReplayJobs } from '../src/replay/replay-jobs.service.js';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = 'replay-suite-admin-key';
const A = 'replay-probe-a';
const B = 'replay-probe-b';

/** One delivery to a probe consumer app: through which durable, with which Mesh-Replay header. */
interface Delivery {
  durable: string;
  replayKind?: string;
  /** The message's sequence in its stream: a redelivery repeats it, a new replay does not. */
  seq: number;
  event: CloudEvent;
}

const DELIVERIES = Symbol('DELIVERIES');

@Controller()
class DeliveryRecorder {
  constructor(@Inject(DELIVERIES) private readonly deliveries: Collector<Delivery>) {}

  // The <string> picks Nest's untyped overload, whose handlers may take a typed @Ctx().
  @EventPattern<string>('>')
  record(@Payload() event: CloudEvent, @Ctx() ctx: JetStreamContext): void {
    this.deliveries.push({ durable: ctx.getConsumer(), replayKind: ctx.getReplayKind(), seq: ctx.getStreamSequence(), event });
  }
}

/** A consumer app that records what it gets: durable `<name>` on events.>, `<name>-replay` on replay.<name>.>. */
@Module({})
class ProbeConsumerModule {
  static forRoot(name: string, config: EventStoreConfig, deliveries: Collector<Delivery>): DynamicModule {
    return {
      module: ProbeConsumerModule,
      imports: [EventsModule.forRoot({ service: name, consumer: name, config })],
      controllers: [DeliveryRecorder],
      providers: [{ provide: DELIVERIES, useValue: deliveries }],
    };
  }
}

async function startProbe(name: string, config: EventStoreConfig, deliveries: Collector<Delivery>): Promise<INestApplication> {
  const ref = await Test.createTestingModule({ imports: [ProbeConsumerModule.forRoot(name, config, deliveries)] }).compile();
  const app = ref.createNestApplication({ logger: ['error', 'warn'] });
  await connectEventConsumer(app);
  await app.init();
  return app;
}

/** A row for the `events` table; the rest of the columns get plain defaults. */
interface Seed {
  id?: string;
  type: string;
  time: string;
  source?: string;
  subject?: string;
  resource_type?: string;
  resource_id?: string;
  level?: string;
  audience?: string;
  actor?: string;
  correlation_id?: string;
  causation_id?: string;
  dataschema?: string;
  data?: unknown;
  extensions?: Record<string, unknown>;
}

describe('event-store replay (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: RunningEventStore;
  let nc: NatsConnection;
  const probes: INestApplication[] = [];
  const toA = new Collector<Delivery>();
  const toB = new Collector<Delivery>();

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('event_store_replay');
    const config = storeTestConfig(nats, db, { adminApiKey: ADMIN });
    store = await startEventStore(config);
    probes.push(await startProbe(A, config, toA), await startProbe(B, config, toB));
    nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    for (const name of [A, B]) {
      await waitFor(() => jsm.consumers.info('EVENTS_REPLAY', `${name}-replay`), { message: `durable ${name}-replay never appeared` });
    }
  });

  afterAll(async () => {
    await nc?.close();
    for (const app of probes) await app.close();
    await store?.close();
    await nats?.close();
    await db?.drop();
  });

  /** Inserts rows as the writer would have stored them (a second old, so any replay sees them); returns their ids. */
  async function seed(rows: Seed[]): Promise<string[]> {
    const full = rows.map((r) => ({ id: crypto.randomUUID(), source: 'seed', level: 'info', data: {}, extensions: {}, ...r }));
    await db.query(
      `WITH r AS (SELECT * FROM json_to_recordset($1::json) AS r(id text, type text, source text, subject text, resource_type text, resource_id text,
         level text, audience text, actor text, correlation_id text, causation_id text, dataschema text, time timestamptz,
         data jsonb, extensions jsonb)),
       claim AS (INSERT INTO event_ids (id, time) SELECT id, time FROM r)
       INSERT INTO events (id, type, source, subject, resource_type, resource_id, level, audience, actor, correlation_id,
         causation_id, dataschema, time, received_at, data, extensions)
       SELECT id, type, source, subject, resource_type, resource_id, level, audience, actor, correlation_id,
         causation_id, dataschema, time, now() - interval '1 second', data, extensions
       FROM r`,
      [JSON.stringify(full)],
    );
    return full.map((r) => r.id);
  }

  const replay = (body: Record<string, unknown>) => request(store.url).post('/events/replay').set('X-Api-Key', ADMIN).send(body);
  const replayed = (c: Collector<Delivery>) => c.items.filter((d) => d.durable.endsWith('-replay'));
  /**
   * Waits until the probe's replay durable has delivered `n` replayed messages after `before`;
   * returns them, one delivery per message. On a loaded machine the probe may ack after its ack
   * wait and JetStream redelivers (at least once): that says nothing about what the replay
   * published, so a repeated stream sequence counts once.
   */
  async function nextReplayed(c: Collector<Delivery>, before: number, n: number): Promise<Delivery[]> {
    const messages = () => [...new Map(replayed(c).slice(before).map((d) => [d.seq, d] as const)).values()];
    await waitFor(() => messages().length >= n, { timeoutMs: 20_000, message: `expected ${n} replayed deliveries` });
    return messages();
  }
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

  it('re-delivers the stored envelopes, same ids, to the named consumer only, through its replay durable', async () => {
    const [created, shipped, noted] = await seed([
      {
        type: 'order.created',
        time: '2021-05-01T10:00:00.000123Z',
        source: 'shop',
        subject: 'o-1',
        resource_type: 'order',
        resource_id: 'o-1',
        actor: 'ana',
        audience: 'ops',
        correlation_id: 'corr-1',
        dataschema: 'mesh:schema:order.created:v1',
        data: { total: 12.5, lines: [{ sku: 'A', qty: 2 }] },
        extensions: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tenant: 'acme' },
      },
      { type: 'order.shipped', time: '2021-05-02T10:00:00.000Z', source: 'shop', level: 'warn', causation_id: 'cause-1', data: null },
      { type: 'order.noted', time: '2021-05-03T10:00:00.120Z', source: 'shop', data: 'just text' },
    ]);
    const beforeA = replayed(toA).length;
    const beforeB = replayed(toB).length;

    const res = await replay({ consumer: A, type: 'order.*' }).expect(200);
    expect(res.body).toEqual({ consumer: A, queued: 3, filter: { type: 'order.*', limit: 100000 } });

    const got = await nextReplayed(toA, beforeA, 3);
    expect(got.map((d) => [d.durable, d.replayKind])).toEqual(Array(3).fill([`${A}-replay`, 'replay']));
    expect(got.map((d) => d.event).sort(byId)).toEqual(
      [
        {
          specversion: '1.0',
          id: created,
          source: 'shop',
          type: 'order.created',
          time: '2021-05-01T10:00:00.000123Z',
          subject: 'o-1',
          datacontenttype: 'application/json',
          dataschema: 'mesh:schema:order.created:v1',
          data: { total: 12.5, lines: [{ sku: 'A', qty: 2 }] },
          level: 'info',
          resourcetype: 'order',
          resourceid: 'o-1',
          actor: 'ana',
          audience: 'ops',
          correlationid: 'corr-1',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          tenant: 'acme',
        },
        {
          specversion: '1.0',
          id: shipped,
          source: 'shop',
          type: 'order.shipped',
          time: '2021-05-02T10:00:00.000Z',
          datacontenttype: 'application/json',
          data: null,
          level: 'warn',
          causationid: 'cause-1',
        },
        {
          specversion: '1.0',
          id: noted,
          source: 'shop',
          type: 'order.noted',
          time: '2021-05-03T10:00:00.120Z',
          datacontenttype: 'application/json',
          data: 'just text',
          level: 'info',
        },
      ].sort(byId),
    );

    // B's replay lane is live: a later replay to B arrives, and nothing of A's came with it.
    const [ping] = await seed([{ type: 'sentinel.ping', time: '2021-06-01T00:00:00Z' }]);
    expect((await replay({ consumer: B, type: 'sentinel.ping' }).expect(200)).body.queued).toBe(1);
    const gotB = await nextReplayed(toB, beforeB, 1);
    expect(gotB.map((d) => d.event.id)).toEqual([ping]);
    expect(replayed(toA).map((d) => d.event.id)).not.toContain(ping);
    // Neither probe saw the seeded events through its live durable: they were never on events.>.
    const live = [...toA.items, ...toB.items].filter((d) => !d.durable.endsWith('-replay')).map((d) => d.event.id);
    expect(live).not.toContain(created);

    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info('EVENTS_REPLAY', { subjects_filter: 'replay.>' });
    expect(Object.keys(state.subjects ?? {}).filter((s) => s.startsWith(`replay.${B}.order.`))).toEqual([]);
    expect(state.subjects).toMatchObject({ [`replay.${A}.order.created`]: 1, [`replay.${A}.order.shipped`]: 1, [`replay.${A}.order.noted`]: 1 });
  });

  it('replays what each filter matches: exact type, * and > wildcards, resource, time range (from inclusive, to exclusive) and limit', async () => {
    const [a, b, c, d, e, f] = await seed([
      { type: 'shop.created', time: '2022-01-01T00:00:00Z' },
      { type: 'shop.updated', time: '2022-01-02T00:00:00Z', resource_type: 'shop', resource_id: 's-2022' },
      { type: 'shop.order.created', time: '2022-01-03T00:00:00Z', resource_type: 'order', resource_id: 'o-2022' },
      { type: 'shop.order.paid', time: '2022-01-04T00:00:00Z', resource_type: 'order', resource_id: 'o-2022' },
      { type: 'shop.order.item.added', time: '2022-01-05T00:00:00Z', resource_type: 'order', resource_id: 'o-2022-b' },
      { type: 'catalog.updated', time: '2022-01-06T00:00:00Z', resource_type: 'shop', resource_id: 's-2022' },
    ]);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ type: 'shop.*' }, [a, b]],
      [{ type: 'shop.>' }, [a, b, c, d, e]],
      [{ type: 'shop.order.*' }, [c, d]],
      [{ type: 'shop.order.paid' }, [d]],
      [{ type: '*.updated', from: '2022-01-01', to: '2023-01-01' }, [b, f]],
      [{ resourceType: 'order', resourceId: 'o-2022' }, [c, d]],
      [{ resourceType: 'shop', resourceId: 's-2022', type: 'catalog.>' }, [f]],
      [{ type: 'shop.>', from: '2022-01-02T00:00:00Z', to: '2022-01-05T00:00:00Z' }, [b, c, d]],
      [{ type: 'shop.>', limit: 2 }, [a, b]],
      [{ type: 'shop.>', from: '2030-01-01' }, []],
    ];
    const before = replayed(toA).length;
    for (const [filter, ids] of cases) {
      const res = await replay({ consumer: A, ...filter }).expect(200);
      expect({ filter, queued: res.body.queued }).toEqual({ filter, queued: ids.length });
    }
    expect(
      (await replay({ consumer: A, type: 'shop.>', from: '2022-01-02', to: '2022-01-05T00:00:00+02:00' }).expect(200)).body.filter,
    ).toEqual({ type: 'shop.>', from: '2022-01-02T00:00:00.000Z', to: '2022-01-04T22:00:00.000Z', limit: 100000 });
    const expected = [...cases.flatMap(([, ids]) => ids), b, c, d];
    const got = await nextReplayed(toA, before, expected.length);
    expect(got.map((x) => x.event.id).sort()).toEqual(expected.sort());
  });

  it('walks a large match in keyset batches, oldest first by (time, id) to the microsecond, up to the limit', async () => {
    // Three events per microsecond, so a batch boundary falls between events of the same time.
    await db.query(
      `INSERT INTO events (id, type, source, level, time, received_at, data)
       SELECT gen_random_uuid(), 'bulk.item', 'seed', 'info', '2023-01-01T00:00:00Z'::timestamptz + (g / 3) * interval '1 microsecond',
         now() - interval '1 second', jsonb_build_object('g', g)
       FROM generate_series(1, 2500) AS g`,
    );
    const expected = (await db.query<{ id: string }>(`SELECT id FROM events WHERE type = 'bulk.item' ORDER BY time, id LIMIT 2300`)).rows.map((r) => r.id);
    const before = replayed(toA).length;

    const res = await replay({ consumer: A, type: 'bulk.item', limit: 2300 }).expect(200);
    expect(res.body.queued).toBe(2300);

    // The replay stream holds them in time order...
    const js = jetstream(nc);
    const ordered = await js.consumers.get('EVENTS_REPLAY', { filter_subjects: `replay.${A}.bulk.item` });
    const inStream: string[] = [];
    while (inStream.length < 2300) {
      const batch = await ordered.fetch({ max_messages: 2300 - inStream.length, expires: 5_000 });
      for await (const m of batch) inStream.push(m.json<CloudEvent>().id);
    }
    expect(inStream).toEqual(expected);
    // ...and the consumer got each of them once.
    const got = await nextReplayed(toA, before, 2300);
    expect(got.map((d) => d.event.id).sort()).toEqual([...expected].sort());
  });

  const replayJob = (body: Record<string, unknown>) => replay(body).set('Prefer', 'respond-async');
  const jobOf = (jobId: string) => request(store.url).get(`/events/replay/${jobId}`).set('X-Api-Key', ADMIN);
  /** `n` events of `type`, one microsecond apart in 2023, stored a second ago. */
  const seedMany = (type: string, n: number) =>
    db.query(
      `INSERT INTO events (id, type, source, level, time, received_at, data)
       SELECT 'job-' || $1::text || '-' || g, $1, 'seed', 'info', '2023-06-01T00:00:00Z'::timestamptz + g * interval '1 microsecond',
         now() - interval '1 second', jsonb_build_object('g', g)
       FROM generate_series(1, $2::int) AS g`,
      [type, n],
    );
  const finished = (jobId: string) =>
    waitFor(
      async () => {
        const job = (await jobOf(jobId).expect(200)).body;
        return job.state === 'running' ? undefined : job;
      },
      { timeoutMs: 60_000, message: `replay job ${jobId} did not finish` },
    );

  it('runs a replay as a job with Prefer: respond-async: 202 at once with the job, its progress by GET, every event delivered once', async () => {
    await seedMany('jobbed.item', 3_000);
    const before = replayed(toB).length;
    const res = await replayJob({ consumer: B, type: 'jobbed.item' }).expect(202);
    const { jobId } = res.body;
    expect(res.headers.location).toBe(`/events/replay/${jobId}`);
    expect(res.body).toMatchObject({ consumer: B, state: 'running', limit: 100_000, filter: { type: 'jobbed.item', limit: 100_000 }, finishedAt: null, error: null });

    const job = await finished(jobId);
    expect(job).toMatchObject({ jobId, state: 'done', queued: 3_000, error: null, finishedAt: expect.any(String) });
    const got = await nextReplayed(toB, before, 3_000);
    expect(new Set(got.map((d) => d.event.id)).size).toBe(3_000);

    // The list shows it (newest first) as GET shows it, and needs the admin key like the rest.
    const list = (await request(store.url).get('/events/replay').set('X-Api-Key', ADMIN).expect(200)).body as { items: { jobId: string }[] };
    expect(list.items.find((j) => j.jobId === jobId)).toEqual(job);
    await request(store.url).get('/events/replay').expect(401);

    // A check that fails does so before any job starts; an unknown job is a 404 naming it.
    expect((await replayJob({ consumer: 'nobody' }).expect(404)).body.message).toMatch(/^No consumer app "nobody"/);
    expect((await jobOf('no-such-job').expect(404)).body.message).toMatch(/^No replay job no-such-job in this event-store process/);
    await request(store.url).get(`/events/replay/${jobId}`).expect(401);
  });

  it('cancels a running job with DELETE: it stops after its current batch, keeps what it queued, and a second DELETE is a 409', async () => {
    await seedMany('cancelled.item', 30_000);
    const audits = new Collector<CloudEvent>();
    const sub = nc.subscribe('events.audit.events_replayed', {
      callback: (err, msg) => {
        if (!err && msg.json<CloudEvent>().data) audits.push(msg.json<CloudEvent>());
      },
    });
    await nc.flush();
    try {
      const { jobId } = (await replayJob({ consumer: A, type: 'cancelled.item' }).expect(202)).body;
      // Progress is visible while it runs.
      await waitFor(async () => (await jobOf(jobId).expect(200)).body.queued >= 1_000, { timeoutMs: 30_000, message: 'no progress was reported' });
      const cancelled = await request(store.url).delete(`/events/replay/${jobId}`).set('X-Api-Key', ADMIN).expect(200);
      expect(cancelled.body).toMatchObject({ jobId, state: 'cancelled', error: 'cancelled by admin-api', finishedAt: expect.any(String) });
      expect(cancelled.body.queued).toBeGreaterThanOrEqual(1_000);
      expect(cancelled.body.queued).toBeLessThan(30_000);
      expect((await jobOf(jobId).expect(200)).body).toEqual(cancelled.body);
      // Newest first: this job heads the list.
      const { items } = (await request(store.url).get('/events/replay').set('X-Api-Key', ADMIN).expect(200)).body as { items: { jobId: string }[] };
      expect(items[0]).toEqual(cancelled.body);
      const again = await request(store.url).delete(`/events/replay/${jobId}`).set('X-Api-Key', ADMIN).expect(409);
      expect(again.body.message).toBe(`Replay job ${jobId} is already cancelled: only a running job can be cancelled`);
      const audit = (await waitFor(() => audits.items.find((a) => (a.data as { cancelled?: string }).cancelled), { message: 'the cancelled replay was not audited' }))!;
      expect(audit.data).toMatchObject({ consumer: A, queued: cancelled.body.queued, cancelled: 'cancelled by admin-api' });
    } finally {
      sub.unsubscribe();
    }
  });

  it('ends running jobs as cancelled by the shutdown, not failed, when the app stops', async () => {
    await seedMany('shutdown.item', 20_000);
    const jobs = new ReplayJobs(store.app.get(EventReplayer));
    const { jobId } = jobs.start(A, { type: 'shutdown.item' }, 100_000, { type: 'shutdown.item' });
    await waitFor(() => jobs.get(jobId).queued > 0, { timeoutMs: 30_000, message: 'the job did not start' });
    await jobs.onModuleDestroy();
    expect(jobs.get(jobId)).toMatchObject({ state: 'cancelled', error: 'the event-store shut down' });
    expect(jobs.get(jobId).queued).toBeLessThan(20_000);
  });

  it('records each replay as audit.events_replayed', async () => {
    await seed([{ type: 'audited.thing', time: '2024-01-01T00:00:00Z' }]);
    const audits = new Collector<CloudEvent>();
    const sub = nc.subscribe('events.audit.events_replayed', {
      callback: (err, msg) => {
        if (!err) audits.push(msg.json<CloudEvent>());
      },
    });
    await nc.flush();
    try {
      await replay({ consumer: B, type: 'audited.*', from: '2024-01-01' }).expect(200);
      const [audit] = await audits.waitForCount(1);
      expect(audit).toMatchObject({
        type: 'audit.events_replayed',
        source: 'event-store',
        actor: 'admin-api',
        resourcetype: 'event-store',
        data: { consumer: B, queued: 1, filter: { type: 'audited.*', from: '2024-01-01T00:00:00.000Z', limit: 100000 } },
      });
    } finally {
      sub.unsubscribe();
    }
  });

  it('answers 400 naming the field for a bad consumer name or filter, and 404 for a consumer app that never ran', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ consumer: 'Search Sync' }, "consumer must be a consumer app's durable name: lowercase letters, digits, _ or -, e.g. search-sync"],
      [{ consumer: 'replay.>' }, "consumer must be a consumer app's durable name"],
      [{}, 'consumer must be a string'],
      [{ consumer: A, type: 'Order.*' }, 'type must be an event type or a NATS-style pattern of lowercase tokens, e.g. vendor.created, vendor.* or vendor.>'],
      [{ consumer: A, type: 'order.>.x' }, 'type must be an event type or a NATS-style pattern'],
      [{ consumer: A, from: 'yesterday' }, 'from must be an ISO 8601 date or a date-time with its offset, e.g. 2025-03-01T10:00:00Z'],
      [{ consumer: A, to: '2024-01-01T10:00' }, 'to must be an ISO 8601 date or a date-time with its offset'],
      [{ consumer: A, from: '2024-02-01', to: '2024-01-01' }, 'to must be after from'],
      [{ consumer: A, limit: 100001 }, 'limit must not be greater than 100000'],
      [{ consumer: A, limit: 0 }, 'limit must not be less than 1'],
      [{ consumer: A, limit: '10' }, 'limit must be an integer number'],
      [{ consumer: A, since: '2024-01-01' }, 'property since should not exist'],
    ];
    for (const [body, message] of cases) {
      const res = await replay(body).expect(400);
      expect({ body, message: res.body.message }).toEqual({ body, message: expect.arrayContaining([expect.stringContaining(message)]) });
    }
    const unknown = await replay({ consumer: 'nobody' }).expect(404);
    expect(unknown.body.message).toMatch(/^No consumer app "nobody": EVENTS_REPLAY has no durable "nobody-replay" \(an app creates it when it first starts\)\. Known: /);
    expect(unknown.body.message).toContain(`${A}, ${B}`);
  });

  it('requires the admin key: 401 without X-Api-Key, 403 with a wrong one', async () => {
    const missing = await request(store.url).post('/events/replay').send({ consumer: A }).expect(401);
    expect(missing.body.message).toBe('Missing X-Api-Key header');
    const wrong = await request(store.url).post('/events/replay').set('X-Api-Key', 'nope').send({ consumer: A }).expect(403);
    expect(wrong.body.message).toBe('Wrong X-Api-Key');
  });
});
