import { headers as natsHeaders, NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import {
  DeadLetterNotFoundError, DeadLetterStore, HEADER, meshStatus, STREAM_DLQ, STREAM_EVENTS, STREAM_REPLAY, type CloudEvent,
} from '@app/events';
import { waitFor } from '@app/testing';
import { handled, Mesh, rawConnect, readStream, RunningApp, startMesh, startProducer, startRecorder } from './support.js';

/** Publishes a letter the way DlqPublisher does (the `Mesh-*` headers), without a consumer app. */
async function seedLetter(jsm: JetStreamManager, consumer: string, type: string, body: string, error = 'boom'): Promise<number> {
  const h = natsHeaders();
  h.set(HEADER.dlqConsumer, consumer);
  h.set(HEADER.dlqReason, 'non_retryable');
  h.set(HEADER.originalSubject, `events.${type}`);
  h.set(HEADER.originalSeq, '7');
  h.set(HEADER.deliveries, '1');
  h.set(HEADER.error, error);
  const ack = await jsm.jetstream().publish(`dlq.${consumer}.${type}`, body, { headers: h });
  return ack.seq;
}

const envelope = (type: string, data: unknown = {}) =>
  JSON.stringify({ specversion: '1.0', id: crypto.randomUUID(), source: 'seed', type, time: new Date().toISOString(), datacontenttype: 'application/json', data });

describe(DeadLetterStore.name, () => {
  let mesh: Mesh;
  let producer: RunningApp;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let letters: DeadLetterStore;

  beforeAll(async () => {
    mesh = await startMesh('dead_letters');
    producer = await startProducer(mesh);
    nc = await rawConnect(mesh);
    jsm = await jetstreamManager(nc);
    await waitFor(() => jsm.streams.info(STREAM_DLQ), { message: 'EVENTS_DLQ was never provisioned' });
    letters = new DeadLetterStore(jsm);
  });

  afterAll(() => mesh?.close());
  beforeEach(() => jsm.streams.purge(STREAM_DLQ));

  it('lists the newest letters first, filtered by consumer and type, limited, across a long DLQ', async () => {
    const quiet = [await seedLetter(jsm, 'quiet', 'order.created', envelope('order.created'))];
    quiet.push(await seedLetter(jsm, 'quiet', 'vendor.created', envelope('vendor.created')));
    // Far more letters of another app after them: the backward scan must step past several windows.
    for (let i = 0; i < 700; i += 100) {
      await Promise.all(Array.from({ length: 100 }, () => seedLetter(jsm, 'noisy', 'order.created', envelope('order.created'))));
    }
    quiet.push(await seedLetter(jsm, 'quiet', 'order.updated', envelope('order.updated')));

    expect((await letters.list({ consumer: 'quiet' })).map((l) => l.seq)).toEqual([...quiet].reverse());
    expect((await letters.list({ consumer: 'quiet', type: 'order.*' })).map((l) => l.type)).toEqual(['order.updated', 'order.created']);
    expect((await letters.list({ type: 'vendor.>' })).map((l) => l.seq)).toEqual([quiet[1]]);
    const newest = await letters.list({ limit: 3 });
    expect(newest.map((l) => l.seq)).toEqual([quiet[2], quiet[2] - 1, quiet[2] - 2]);
    expect(newest.map((l) => l.consumer)).toEqual(['quiet', 'noisy', 'noisy']);
    expect(await letters.count({ consumer: 'noisy' })).toBe(700);
    expect(await letters.depthByConsumer()).toEqual({ quiet: 3, noisy: 700 });
    expect(await letters.list({ consumer: 'nobody' })).toEqual([]);
  });

  it('refuses a bad consumer name or type pattern with a message saying what to write', async () => {
    await expect(letters.list({ consumer: 'Search Sync' })).rejects.toThrow(/Invalid consumer name "Search Sync": use the app's durable name/);
    await expect(letters.list({ type: 'Vendor..x' })).rejects.toThrow(/Invalid event pattern "Vendor..x"/);
    await expect(letters.show(0)).rejects.toThrow(/Invalid DLQ sequence 0/);
  });

  it('shows one letter: the Mesh-* headers read out, the envelope decoded, a non-JSON body as it came', async () => {
    const body = envelope('vendor.created', { name: 'Taco' });
    const seq = await seedLetter(jsm, 'search-sync', 'vendor.created', body, 'index rejected the record');
    const shown = await letters.show(seq);
    expect(shown).toMatchObject({
      seq,
      subject: 'dlq.search-sync.vendor.created',
      consumer: 'search-sync',
      type: 'vendor.created',
      reason: 'non_retryable',
      error: 'index rejected the record',
      originalSubject: 'events.vendor.created',
      originalSeq: 7,
      deliveries: 1,
      body,
      envelope: JSON.parse(body),
    });
    expect(shown.headers).toMatchObject({ [HEADER.dlqConsumer]: 'search-sync', [HEADER.error]: 'index rejected the record' });
    expect(Date.parse(shown.time)).toBeGreaterThan(Date.now() - 60_000);

    const garbled = await seedLetter(jsm, 'search-sync', 'invalid.subject', '{not json');
    expect(await letters.show(garbled)).toMatchObject({ body: '{not json', envelope: undefined });
    await expect(letters.show(garbled + 100)).rejects.toBeInstanceOf(DeadLetterNotFoundError);
  });

  it('redrives a letter to the consumer that failed it, and no other, then removes it', async () => {
    const apps: RunningApp[] = [await startRecorder(mesh, 'dl-a', 'a'), await startRecorder(mesh, 'dl-b', 'b')];
    try {
      const { id } = await producer.events.publishEvent('job.flaky', { rejectUntilRedriven: true });
      const ofEvent = async () => (await letters.list({ type: 'job.flaky' })).filter((l) => l.envelope?.id === id);
      await waitFor(async () => (await ofEvent()).length === 2, { message: 'both apps should have dead-lettered the event' });
      const forA = (await ofEvent()).find((l) => l.consumer === 'dl-a')!;

      const result = await letters.redrive(forA.seq);
      expect(result).toMatchObject({ dlqSeq: forA.seq, consumer: 'dl-a', type: 'job.flaky' });
      await waitFor(async () => (await handled(mesh)).some((r) => r.event_id === id), { message: 'the redriven event was never handled' });
      const rows = (await handled(mesh)).filter((r) => r.event_id === id);
      expect(rows.map((r) => r.consumer)).toEqual(['dl-a-replay']);
      expect((await ofEvent()).map((l) => l.consumer)).toEqual(['dl-b']);
      const copy = (await readStream(nc, STREAM_REPLAY)).find((m) => m.seq === result.replaySeq)!;
      expect([copy.subject, copy.header.get(HEADER.replay), copy.json<CloudEvent>().id]).toEqual(['replay.dl-a.job.flaky', 'redrive', id]);
      await expect(letters.redrive(forA.seq)).rejects.toThrow(`EVENTS_DLQ has no message #${forA.seq}`);
    } finally {
      for (const app of apps) await app.close();
    }
  });

  it('redrives many by sequence (reporting the missing ones) and all of one consumer with progress', async () => {
    const a = [await seedLetter(jsm, 'bulk-a', 'job.x', envelope('job.x')), await seedLetter(jsm, 'bulk-a', 'job.y', envelope('job.y'))];
    const b = await seedLetter(jsm, 'bulk-b', 'job.x', envelope('job.x'));
    a.push(await seedLetter(jsm, 'bulk-a', 'job.x', envelope('job.x')));

    const many = await letters.redriveMany([a[0], 999_999]);
    expect(many.redriven.map((r) => r.dlqSeq)).toEqual([a[0]]);
    expect(many.failed).toEqual([{ dlqSeq: 999_999, error: expect.stringContaining('no message #999999') }]);

    const progress: [number, number][] = [];
    const all = await letters.redriveAll({ consumer: 'bulk-a' }, (done, total) => progress.push([done, total]));
    expect(all.redriven.map((r) => [r.dlqSeq, r.consumer, r.type])).toEqual([[a[1], 'bulk-a', 'job.y'], [a[2], 'bulk-a', 'job.x']]);
    expect(progress).toEqual([[1, 2], [2, 2]]);
    expect((await letters.list()).map((l) => l.seq)).toEqual([b]);
    const replayed = (await readStream(nc, STREAM_REPLAY)).filter((m) => m.subject.startsWith('replay.bulk-a.'));
    expect(replayed.map((m) => m.subject).sort()).toEqual(['replay.bulk-a.job.x', 'replay.bulk-a.job.x', 'replay.bulk-a.job.y']);
  });

  it('purges one consumer, then everything', async () => {
    await seedLetter(jsm, 'purge-a', 'job.x', envelope('job.x'));
    await seedLetter(jsm, 'purge-a', 'job.y', envelope('job.y'));
    await seedLetter(jsm, 'purge-b', 'job.x', envelope('job.x'));
    expect(await letters.purge({ consumer: 'purge-a' })).toBe(2);
    expect(await letters.depthByConsumer()).toEqual({ 'purge-b': 1 });
    expect(await letters.purge()).toBe(1);
    expect(await letters.count()).toBe(0);
  });

  it('meshStatus reports the streams, each durable with its lag, and DLQ depth per consumer', async () => {
    await jsm.consumers.add(STREAM_EVENTS, { durable_name: 'status-lagger', ack_policy: AckPolicy.Explicit, filter_subject: 'events.lag.>' });
    for (let i = 0; i < 4; i++) await producer.events.publishEvent('lag.tick', { i });
    await seedLetter(jsm, 'status-lagger', 'lag.tick', envelope('lag.tick'));

    const status = await meshStatus(jsm);
    expect(status.missingStreams).toEqual([]);
    expect(status.streams.slice(0, 3).map((s) => s.name)).toEqual([STREAM_EVENTS, STREAM_DLQ, STREAM_REPLAY]);
    const events = status.streams[0];
    expect(events.subjects).toEqual(['events.>']);
    expect(events.consumers).toBeGreaterThanOrEqual(1);
    expect(events.messages).toBeGreaterThanOrEqual(4);
    expect(Date.parse(events.lastTime!)).toBeGreaterThan(Date.now() - 60_000);
    expect(status.durables).toContainEqual({
      stream: STREAM_EVENTS, name: 'status-lagger', filterSubject: 'events.lag.>', pending: 4, ackPending: 0, redelivered: 0, waiting: 0, lastActive: undefined,
    });
    expect(status.deadLetters).toEqual({ 'status-lagger': 1 });
    await jsm.consumers.delete(STREAM_EVENTS, 'status-lagger');
  });
});
