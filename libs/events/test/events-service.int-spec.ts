import { jest } from '@jest/globals';
import { Kvm } from '@nats-io/kv';
import { Test } from '@nestjs/testing';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection } from '@nats-io/transport-node';
import {
  CloudEvent, EventMessage, EventsModule, EventsService, HEADER, NatsConnectionManager, ReplayService, SchemaRegistry, SchemaValidationError, STREAM_DLQ, STREAM_EVENTS,
  STREAM_REPLAY,
} from '@app/events';
import { Collector, waitFor } from '@app/testing';
import { handled, Mesh, startMesh, rawConnect, readStream, RunningApp, startProducer, startRecorder } from './support.js';

describe('EventsService (real nats-server and PostgreSQL)', () => {
  let mesh: Mesh;
  let producer: RunningApp;
  let nc: NatsConnection;

  beforeAll(async () => {
    mesh = await startMesh('service');
    producer = await startProducer(mesh);
    nc = await rawConnect(mesh);
  });

  afterAll(async () => {
    await mesh?.close();
  });

  it('provisions the three streams idempotently when several apps start at once, and brings max_age up to date', async () => {
    const apps = await Promise.all([1, 2, 3].map(() => startProducer(mesh, { eventsMaxAgeMs: 3_600_000 })));
    await Promise.all(apps.map((a) => a.close()));
    const jsm = await jetstreamManager(nc);
    const names = [];
    for await (const s of jsm.streams.list()) names.push(s.config.name);
    // The schema bucket is a stream too: every app opens it to share and watch schemas.
    expect(names.sort()).toEqual([STREAM_EVENTS, STREAM_DLQ, STREAM_REPLAY, 'KV_event-schemas'].sort());
    expect((await jsm.streams.info(STREAM_EVENTS)).config.max_age).toBe(3_600_000 * 1_000_000);
    expect((await jsm.streams.info(STREAM_EVENTS)).config.duplicate_window).toBe(120_000 * 1_000_000);
  });

  it('fails start-up naming the variable when NATS_URL is malformed', async () => {
    const saved = process.env.NATS_URL;
    process.env.NATS_URL = 'http://not-nats';
    try {
      await expect(async () => Test.createTestingModule({ imports: [EventsModule.forRoot({ service: 'x' })] }).compile()).rejects.toThrow(
        /NATS_URL: must be a NATS server URL/,
      );
    } finally {
      process.env.NATS_URL = saved;
    }
  });

  it('takes its options from injected configuration with forRootAsync', async () => {
    const ref = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ load: [() => ({ natsUrl: mesh.nats.url, databaseUrl: mesh.db.url })] }),
        EventsModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            service: 'async-producer',
            config: { natsServers: [config.getOrThrow<string>('natsUrl')], databaseUrl: config.getOrThrow<string>('databaseUrl') },
          }),
        }),
      ],
    }).compile();
    const app = await ref.init();
    try {
      const result = await app.get(EventsService).publishEvent('async.ready', {});
      expect(result.queued).toBe(false);
      const stored = (await readStream(nc, STREAM_EVENTS)).find((m) => m.json<CloudEvent>().id === result.id)!;
      expect(stored.json<CloudEvent>().source).toBe('async-producer');
    } finally {
      await app.close();
    }
  });

  it('gives each of many concurrent publishes its own Nats-Msg-Id and content type (one header set is reused)', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => producer.events.publishEvent('burst.sent', { i })));
    expect(results.every((r) => !r.queued && !r.duplicate)).toBe(true);
    const stored = (await readStream(nc, STREAM_EVENTS)).filter((m) => m.subject === 'events.burst.sent');
    expect(stored).toHaveLength(300);
    for (const m of stored) {
      expect(m.header.get(HEADER.msgId)).toBe(m.json<{ id: string }>().id);
      expect(m.header.get(HEADER.contentType)).toBe('application/cloudevents+json');
    }
    expect(new Set(stored.map((m) => m.header.get(HEADER.msgId))).size).toBe(300);
  });

  it('rejects an invalid event type with a message saying how to fix it', async () => {
    await expect(producer.events.publishEvent('Vendor Created', {})).rejects.toThrow(/lowercase "resource.action"/);
  });

  it('validates data against a registered schema, names the field, sets dataschema and shares the schema in KV', async () => {
    const registry = producer.app.get(SchemaRegistry);
    await registry.register('vendor.registered', 1, {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string', format: 'email' } },
    });
    const bad = producer.events.publishEvent('vendor.registered', { id: 'v1', name: 'Ada', email: 'not-an-email' });
    await expect(bad).rejects.toBeInstanceOf(SchemaValidationError);
    await expect(bad).rejects.toThrow(/data\.email must match format "email"/);
    await expect(producer.events.publishEvent('vendor.registered', { id: 'v1' })).rejects.toThrow(/data\.name/);

    const ok = await producer.events.publishEvent('vendor.registered', { id: 'v1', name: 'Ada' });
    const stored = (await readStream(nc, STREAM_EVENTS)).find((m) => m.json<CloudEvent>().id === ok.id)!;
    expect(stored.json<CloudEvent>().dataschema).toBe('mesh:schema:vendor.registered:v1');
    expect(stored.header.get('Nats-Msg-Id')).toBe(ok.id);
    expect(stored.header.get('Content-Type')).toBe('application/cloudevents+json');

    const kv = await new Kvm(nc).open('event-schemas');
    const entry = await kv.get('vendor.registered.v1');
    expect(entry?.json<{ id: string }>().id).toBe('mesh:schema:vendor.registered:v1');
    expect((await registry.list()).map((s) => s.id)).toContain('mesh:schema:vendor.registered:v1');

    // Another app never registered it, yet validates with it once the bucket watch delivers it.
    const other = await startProducer(mesh);
    await waitFor(async () => {
      await expect(other.events.publishEvent('vendor.registered', { id: 'v2' })).rejects.toThrow(/data\.name/);
      return true;
    });
    await other.close();
  });

  it("keeps the bucket's listing until the watch sees a change, from this app or another", async () => {
    const registry = producer.app.get(SchemaRegistry);
    await registry.register('listing.first', 1, { type: 'object' });
    const other = await startProducer(mesh);
    try {
      const otherRegistry = other.app.get(SchemaRegistry);
      await waitFor(async () => (await otherRegistry.list()).some((s) => s.id === 'mesh:schema:listing.first:v1') || undefined);
      // Spied after the watch started: each call below that reaches the bucket is counted.
      const listings = jest.spyOn(otherRegistry as unknown as { listBucket(): Promise<unknown> }, 'listBucket');
      const first = await otherRegistry.list();
      expect(await otherRegistry.list()).toBe(first);
      const before = listings.mock.calls.length;
      expect(before).toBeLessThanOrEqual(1); // the waitFor's answer, or one more if its own watch entry came after

      await registry.register('listing.cached', 1, { type: 'object' });
      await waitFor(async () => (await otherRegistry.list()).some((s) => s.id === 'mesh:schema:listing.cached:v1') || undefined, {
        message: "the other app's listing never showed the new schema",
      });
      expect(listings.mock.calls.length).toBeGreaterThan(before);
    } finally {
      await other.close();
    }
  });

  it('feeds live subscribers by pattern with the EventMessage view and the envelope', async () => {
    const all = new Collector<EventMessage>();
    const vendors = new Collector<CloudEvent>();
    const subAll = producer.events.subscribeToEvents((m) => all.push(m));
    const subVendors = producer.events.subscribeToEventType('vendor.*', (_m, e) => vendors.push(e));
    await producer.app.get(NatsConnectionManager).connection!.flush(); // subscriptions registered at the server
    const v = await producer.events.publishEvent('vendor.opened', { id: 'v2' }, { subject: 'v2', resourceType: 'vendor' });
    const o = await producer.events.publishEvent('order.placed', { id: 'o2' });
    const [m1, m2] = await all.waitForCount(2);
    expect([m1.messageId, m2.messageId].sort()).toEqual([v.id, o.id].sort());
    expect(m1).toEqual(expect.objectContaining({ type: expect.any(String), timestamp: expect.any(String), data: expect.anything() }));
    const [vendor] = await vendors.waitForCount(1);
    expect(vendor).toMatchObject({ id: v.id, type: 'vendor.opened', subject: 'v2', resourceid: 'v2', resourcetype: 'vendor', source: 'test-producer' });
    subAll.unsubscribe();
    subVendors.unsubscribe();
  });

  it('publishes level helpers at or above LOG_LEVEL only, and not at all with event or system logging off', async () => {
    const warnOnly = await startProducer(mesh, { logLevel: 'warn' });
    const off = await startProducer(mesh, { enableEventLogging: false });
    const systemOff = await startProducer(mesh, { enableSystemLogging: false });
    try {
      expect(await systemOff.events.error('system.crashed', {})).toBeUndefined();
      // Business events are not a logging source: the switch leaves them alone.
      expect(await systemOff.events.publishEvent('vendor.opened', { id: 'v3' })).toMatchObject({ id: expect.any(String) as string });
      expect(await warnOnly.events.info('system.heartbeat', {})).toBeUndefined();
      const warned = await warnOnly.events.warn('system.disk_low', { free: 1 });
      const errored = await warnOnly.events.error('system.crashed', {});
      expect(await off.events.error('system.crashed', {})).toBeUndefined();
      const levels = (await readStream(nc, STREAM_EVENTS))
        .map((m) => m.json<CloudEvent>())
        .filter((e) => [warned!.id, errored!.id].includes(e.id))
        .map((e) => e.level);
      expect(levels.sort()).toEqual(['error', 'warn']);
    } finally {
      await warnOnly.close();
      await off.close();
      await systemOff.close();
    }
  });

  it('redrives a dead letter to its consumer only, and replays stored events to one named consumer', async () => {
    const a = await startRecorder(mesh, 'app-a', 'a');
    const b = await startRecorder(mesh, 'app-b', 'b');
    try {
      // Rejected for good by both apps: one dead letter each.
      const { id } = await producer.events.publishEvent('job.rejected', { rejectForGood: true });
      const letters = async () => (await readStream(nc, STREAM_DLQ)).filter((m) => m.json<CloudEvent>().id === id);
      await waitFor(async () => (await letters()).length === 2);
      const forA = (await letters()).find((m) => m.header.get(HEADER.dlqConsumer) === 'app-a')!;
      expect(forA.subject).toBe('dlq.app-a.job.rejected');

      const replay = producer.app.get(ReplayService);
      expect(await replay.redrive(forA.seq)).toMatchObject({ consumer: 'app-a', type: 'job.rejected' });
      // Redriven to app-a's replay durable only: it fails there again (same data) and comes back
      // as a new letter from the replay subject; app-b's letter is untouched.
      await waitFor(async () =>
        (await letters()).some((m) => m.header.get(HEADER.originalSubject) === 'replay.app-a.job.rejected'),
      );
      const after = await letters();
      expect(after.map((m) => m.seq)).not.toContain(forA.seq);
      expect(after.filter((m) => m.header.get(HEADER.dlqConsumer) === 'app-b')).toHaveLength(1);
      expect(after.filter((m) => m.header.get(HEADER.dlqConsumer) === 'app-a')).toHaveLength(1);
      const redriven = await readStream(nc, STREAM_REPLAY);
      expect(redriven.map((m) => [m.subject, m.header.get(HEADER.replay)])).toContainEqual(['replay.app-a.job.rejected', 'redrive']);

      const done = await producer.events.publishEvent('job.done', { n: 1 });
      await waitFor(async () => (await handled(mesh)).filter((r) => r.event_id === done.id).length === 2);
      const envelope = (await readStream(nc, STREAM_EVENTS)).find((m) => m.json<CloudEvent>().id === done.id)!.json<CloudEvent>();
      expect(await replay.replay('app-b', [envelope])).toBe(1);
      await waitFor(async () => (await handled(mesh)).filter((r) => r.event_id === done.id).length === 3);
      const rows = (await handled(mesh)).filter((r) => r.event_id === done.id);
      expect(rows.map((r) => r.consumer).sort()).toEqual(['app-a', 'app-b', 'app-b-replay']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
