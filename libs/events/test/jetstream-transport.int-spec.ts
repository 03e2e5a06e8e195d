import { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, StoredMsg } from '@nats-io/jetstream';
import { HEADER, MetricsService, STREAM_DLQ, STREAM_EVENTS } from '@app/events';
import { waitFor } from '@app/testing';
import { handled, Mesh, startMesh, rawConnect, readStream, RunningApp, startProducer, startRecorder } from './support.js';

describe('JetStreamServer (real nats-server and PostgreSQL)', () => {
  let mesh: Mesh;
  let recorder: RunningApp;
  let producer: RunningApp;
  let nc: NatsConnection;

  beforeAll(async () => {
    mesh = await startMesh('transport');
    producer = await startProducer(mesh);
    recorder = await startRecorder(mesh);
    nc = await rawConnect(mesh);
  });

  afterAll(async () => {
    await mesh?.close();
  });

  /** Waits until `read` returns something, then returns it. */
  const nonEmpty = async <T>(read: () => Promise<T[]>): Promise<T[]> => {
    await waitFor(async () => (await read()).length > 0);
    return read();
  };
  const rowsFor = async (id: string) => (await handled(mesh)).filter((r) => r.event_id === id);
  const dlqFor = async (subjectPart: string): Promise<StoredMsg[]> => (await readStream(nc, STREAM_DLQ)).filter((m) => m.subject.includes(subjectPart));

  it('delivers a published event to the durable consumer, once, with its envelope', async () => {
    const result = await producer.events.publishEvent('order.created', { orderId: 'o-1' }, { subject: 'o-1', resourceType: 'order' });
    expect(result).toMatchObject({ queued: false, duplicate: false });
    const rows = await nonEmpty(() => rowsFor(result.id));
    expect(rows).toEqual([expect.objectContaining({ type: 'order.created', consumer: 'recorder', delivery: 1 })]);
    const jsm = await jetstreamManager(nc);
    await waitFor(async () => (await jsm.consumers.info(STREAM_EVENTS, 'recorder')).num_ack_pending === 0);
  });

  it('acks every event of a burst once (acks leave in batches), leaving nothing pending and nothing redelivered', async () => {
    const ids = (await Promise.all(Array.from({ length: 300 }, (_, i) => producer.events.publishEvent('order.burst', { i })))).map((r) => r.id);
    await waitFor(async () => (await handled(mesh)).filter((r) => r.type === 'order.burst').length >= 300);
    const jsm = await jetstreamManager(nc);
    await waitFor(async () => (await jsm.consumers.info(STREAM_EVENTS, 'recorder')).num_ack_pending === 0);
    const rows = (await handled(mesh)).filter((r) => r.type === 'order.burst');
    expect(rows.map((r) => r.event_id).sort()).toEqual([...ids].sort());
    expect(rows.every((r) => r.delivery === 1)).toBe(true);
    const info = await jsm.consumers.info(STREAM_EVENTS, 'recorder');
    expect(info.num_redelivered).toBe(0);
  });

  it('stores the same event id published twice only once', async () => {
    const first = await producer.events.publishEvent('order.updated', { n: 1 });
    const second = await producer.events.publishEvent('order.updated', { n: 1 }, { id: first.id });
    expect(second).toMatchObject({ id: first.id, duplicate: true, seq: first.seq });
    const inStream = (await readStream(nc, STREAM_EVENTS)).filter((m) => m.json<{ id: string }>().id === first.id);
    expect(inStream).toHaveLength(1);
    await waitFor(async () => (await rowsFor(first.id)).length === 1);
  });

  it('acks a handler that fails twice on the third delivery, after the backoff', async () => {
    const started = Date.now();
    const { id } = await producer.events.publishEvent('order.flaky', { failUntilDelivery: 3 });
    const rows = await nonEmpty(() => rowsFor(id));
    expect(rows).toEqual([expect.objectContaining({ delivery: 3 })]);
    // backoff 200 ms then 400 ms (testConfig)
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const jsm = await jetstreamManager(nc);
    await waitFor(async () => (await jsm.consumers.info(STREAM_EVENTS, 'recorder')).num_ack_pending === 0);
    expect(await dlqFor('order.flaky')).toHaveLength(0);
  });

  it('dead-letters a handler that always fails after max_deliver, with the DLQ headers', async () => {
    const { id } = await producer.events.publishEvent('order.doomed', { failUntilDelivery: 99 });
    const [letter] = await nonEmpty(() => dlqFor('order.doomed'));
    expect(letter.subject).toBe('dlq.recorder.order.doomed');
    expect(letter.json<{ id: string }>().id).toBe(id);
    expect(letter.header.get(HEADER.dlqConsumer)).toBe('recorder');
    expect(letter.header.get(HEADER.dlqReason)).toBe('max_deliveries');
    expect(letter.header.get(HEADER.originalSubject)).toBe('events.order.doomed');
    expect(Number(letter.header.get(HEADER.originalSeq))).toBeGreaterThan(0);
    expect(letter.header.get(HEADER.deliveries)).toBe('3');
    expect(letter.header.get(HEADER.error)).toContain('planned failure on delivery 3');
    expect(await rowsFor(id)).toHaveLength(0);
  });

  it('dead-letters a non-retryable failure at once', async () => {
    await producer.events.publishEvent('order.rejected', { rejectForGood: true });
    const [letter] = await nonEmpty(() => dlqFor('order.rejected'));
    expect(letter.header.get(HEADER.dlqReason)).toBe('non_retryable');
    expect(letter.header.get(HEADER.deliveries)).toBe('1');
    // Terminated, not left pending (nats-server 2.9 ignores a term with a reason).
    const jsm = await jetstreamManager(nc);
    await waitFor(async () => (await jsm.consumers.info(STREAM_EVENTS, 'recorder')).num_ack_pending === 0);
  });

  it('dead-letters an unparseable message at once, body intact', async () => {
    nc.publish('events.order.garbage', 'this is { not json');
    const [letter] = await nonEmpty(() => dlqFor('order.garbage'));
    expect(letter.string()).toBe('this is { not json');
    expect(letter.header.get(HEADER.dlqReason)).toBe('invalid_envelope');
    expect(letter.header.get(HEADER.deliveries)).toBe('1');
    expect(letter.header.get(HEADER.error)).toContain('body is not JSON');
  });

  it('dead-letters a message named by a MAX_DELIVERIES advisory (a last delivery that died with its process), once', async () => {
    // The server sends this advisory when a message's last delivery was never acknowledged; the
    // consumer that took it is gone by then, so another replica must dead-letter it by sequence.
    const metrics = recorder.app.get(MetricsService);
    const deadLettered = async () =>
      // Summed over the type label: one series per event type and reason.
      (await metrics.deadLettered.get()).values.filter((v) => v.labels.reason === 'max_deliveries').reduce((n, v) => n + v.value, 0);
    const before = await deadLettered();
    const { id, seq } = await producer.events.publishEvent('order.orphaned', {});
    await waitFor(async () => (await rowsFor(id)).length === 1);
    const advisory = JSON.stringify({ stream: STREAM_EVENTS, consumer: 'recorder', stream_seq: seq, deliveries: 3 });
    nc.publish('$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.EVENTS.recorder', advisory);
    nc.publish('$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.EVENTS.recorder', advisory);
    const [letter] = await nonEmpty(() => dlqFor('order.orphaned'));
    expect(letter.subject).toBe('dlq.recorder.order.orphaned');
    expect(letter.json<{ id: string }>().id).toBe(id);
    expect(letter.header.get(HEADER.dlqReason)).toBe('max_deliveries');
    expect(letter.header.get(HEADER.originalSeq)).toBe(String(seq));
    expect(letter.header.get(HEADER.deliveries)).toBe('3');
    // Both advisories were acted on, and the DLQ's dedupe kept one copy.
    await waitFor(async () => (await deadLettered()) === before + 2);
    expect(await dlqFor('order.orphaned')).toHaveLength(1);
  });

  it('keeps the lease of a handler that runs longer than the ack wait, so it is not redelivered', async () => {
    const patient = await startRecorder(mesh, 'recorder-patient', 'patient', { ackWaitMs: 1_000 });
    try {
      const { id } = await producer.events.publishEvent('report.built', { sleepMs: 2_500 });
      await waitFor(async () => (await rowsFor(id)).some((r) => r.consumer === 'recorder-patient'), { timeoutMs: 10_000 });
      // Past two more ack waits: a lost lease would show up as a second, redelivered handling.
      await new Promise((r) => setTimeout(r, 2_000));
      expect((await rowsFor(id)).filter((r) => r.consumer === 'recorder-patient')).toEqual([expect.objectContaining({ delivery: 1 })]);
    } finally {
      await patient.close();
    }
  });

  it('lets two instances of one consumer split the work without processing anything twice', async () => {
    const second = await startRecorder(mesh, 'recorder', 'second');
    try {
      const ids = new Set<string>();
      await Promise.all(
        Array.from({ length: 300 }, async (_, i) => ids.add((await producer.events.publishEvent('order.split', { i })).id)),
      );
      const splitRows = async () => (await handled(mesh)).filter((x) => x.type === 'order.split');
      await waitFor(async () => (await splitRows()).length >= 300, { timeoutMs: 20_000 });
      const rows = await splitRows();
      expect(rows).toHaveLength(300);
      expect(new Set(rows.map((r) => r.event_id))).toEqual(ids);
      const byInstance = new Set(rows.map((r) => r.instance));
      expect(byInstance).toEqual(new Set(['in-process', 'second']));
    } finally {
      await second.close();
    }
  });
});
