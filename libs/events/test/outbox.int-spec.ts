import request from 'supertest';
import { EventsService, STREAM_EVENTS } from '@app/events';
import { waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { jetstreamManager } from '@nats-io/jetstream';
import { handled, Mesh, startMesh, rawConnect, readStream, RunningApp, startProducer, startRecorder } from './support.js';

describe('EventsService outbox (real nats-server and PostgreSQL)', () => {
  let mesh: Mesh;
  let producer: RunningApp;
  let recorder: RunningApp;

  beforeAll(async () => {
    mesh = await startMesh('outbox');
    producer = await startProducer(mesh);
    recorder = await startRecorder(mesh);
  });

  afterAll(async () => {
    await mesh?.close();
  });

  const outboxSize = async () => (await mesh.db.query<{ n: number }>('SELECT count(*)::int AS n FROM mesh_outbox')).rows[0].n;

  it('keeps publishing through a NATS outage and delivers each queued event exactly once afterwards', async () => {
    await waitFor(async () => (await request(producer.url).get('/health/events')).status === 200);
    await mesh.nats.kill();

    const results = [];
    for (let i = 0; i < 5; i++) results.push(await producer.events.publishEvent('vendor.created', { i }));
    expect(results.every((r) => r.queued)).toBe(true);

    expect(await producer.events.healthCheck()).toMatchObject({ status: 'down', failedEventsCount: 5, nats: { connected: false } });
    const down = await request(producer.url).get('/health/events');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'error', service: 'test-producer', failedEventsCount: 5 });
    expect(down.body.error.nats).toMatchObject({ status: 'down' });

    await mesh.nats.restart();
    const ids = results.map((r) => r.id);
    const rows = async () => (await handled(mesh)).filter((r) => ids.includes(r.event_id));
    await waitFor(async () => (await rows()).length === 5 && (await outboxSize()) === 0, { timeoutMs: 20_000 });
    let up = await request(producer.url).get('/health/events');
    await waitFor(async () => (up = await request(producer.url).get('/health/events')).status === 200, {
      message: `health did not recover: ${JSON.stringify(up.body)}`,
    });
    expect(up.body).toMatchObject({ status: 'ok', failedEventsCount: 0 });
    expect(up.body.details.consumer === undefined).toBe(true);

    // Exactly once: one stored copy per id in the stream, one handling per id.
    const nc = await rawConnect(mesh);
    const stored = (await readStream(nc, STREAM_EVENTS)).map((m) => m.json<{ id: string }>().id).filter((id) => ids.includes(id));
    await nc.close();
    expect(stored.sort()).toEqual([...ids].sort());
    expect((await rows()).map((r) => r.event_id).sort()).toEqual([...ids].sort());
    // And acknowledged: nothing comes back after the ack wait (3 s in testConfig).
    const probe = await rawConnect(mesh);
    try {
      const jsm = await jetstreamManager(probe);
      await waitFor(async () => (await jsm.consumers.info(STREAM_EVENTS, 'recorder')).num_ack_pending === 0, {
        timeoutMs: 10_000,
        message: 'the consumer still has unacknowledged deliveries',
      });
    } finally {
      await probe.close();
    }
    expect((await rows()).length).toBe(5);
  });

  it('relays events left in the outbox by a producer that stopped, from another app after a restart', async () => {
    await mesh.nats.kill();
    const gone = await startProducer(mesh);
    const { id, queued } = await gone.events.publishEvent('vendor.archived', {});
    expect(queued).toBe(true);
    await gone.close();
    expect(await outboxSize()).toBe(1);

    await mesh.nats.restart();
    // `producer` was running all along; a freshly started app would do the same at boot.
    const fresh = await startProducer(mesh);
    try {
      await waitFor(async () => (await handled(mesh)).some((r) => r.event_id === id), { timeoutMs: 20_000 });
      await waitFor(async () => (await outboxSize()) === 0, { message: 'the relayed row stayed in mesh_outbox' });
      expect((await handled(mesh)).filter((r) => r.event_id === id)).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it('publishes an event written with publishInTransaction only when the transaction commits', async () => {
    const dataSource = producer.app.get(DataSource);
    const events = producer.app.get(EventsService);
    await dataSource.query('CREATE TABLE IF NOT EXISTS widgets (id int PRIMARY KEY)');

    let rolledBack = '';
    await expect(
      dataSource.transaction(async (m) => {
        await m.query('INSERT INTO widgets VALUES (1)');
        rolledBack = (await events.publishInTransaction(m, 'widget.created', { id: 1 })).id;
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');

    const committed = await dataSource.transaction(async (m) => {
      await m.query('INSERT INTO widgets VALUES (2)');
      return events.publishInTransaction(m, 'widget.created', { id: 2 });
    });

    await waitFor(async () => (await handled(mesh)).some((r) => r.event_id === committed.id));
    const widgetRows = (await handled(mesh)).filter((r) => r.type === 'widget.created');
    expect(widgetRows.map((r) => r.event_id)).toEqual([committed.id]);
    expect(widgetRows.map((r) => r.event_id)).not.toContain(rolledBack);
    // The relay deletes its row after the PubAck, so a fast consumer can see the event first.
    await waitFor(async () => (await outboxSize()) === 0, { message: 'the relayed row stayed in mesh_outbox' });
  });

  it('reports the consumer lag and DLQ depth of a consumer app in /health/events', async () => {
    // The previous test saw its row committed; the ack that follows may still be on the wire.
    let res = await request(recorder.url).get('/health/events');
    await waitFor(async () => (res = await request(recorder.url).get('/health/events')).body.details?.consumer?.num_ack_pending === 0);
    expect(res.status).toBe(200);
    expect(res.body.details.consumer).toMatchObject({ status: 'up', name: 'recorder', num_pending: 0, num_ack_pending: 0 });
    expect(res.body.details.dlq).toMatchObject({ status: 'up', filter: 'dlq.recorder.>', depth: 0 });
    expect(res.body.details.database).toMatchObject({ status: 'up' });
    const metrics = await request(recorder.url).get('/metrics');
    // At least once, not exactly: the previous test SIGKILLs nats-server, which loses consumer acks
    // not yet flushed to disk, so the first test's events may be delivered (harmlessly) again.
    const consumed = /mesh_events_consumed_total\{consumer="recorder",type="vendor.created"\} (\d+)/.exec(metrics.text);
    expect(Number(consumed?.[1])).toBeGreaterThanOrEqual(5);
  });
});
