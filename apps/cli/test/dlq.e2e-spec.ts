import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { DeadLetterStore, HEADER, STREAM_DLQ, STREAM_REPLAY, type StoredDeadLetter } from '@app/events';
import { waitFor } from '@app/testing';
import { handled, Mesh, rawConnect, readStream, RunningApp, startMesh, startProducer, startRecorder } from '../../../libs/events/test/support.js';
import { ensureBuilt, mesh } from './cli-process.js';

describe('mesh dlq (built CLI, real nats-server, real consumer apps)', () => {
  let m: Mesh;
  let producer: RunningApp;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    m = await startMesh('cli_dlq');
    producer = await startProducer(m);
    // Two consumer apps that both refuse `rejectUntilRedriven` events until a redrive brings one back.
    await startRecorder(m, 'cli-a', 'a');
    await startRecorder(m, 'cli-b', 'b');
    nc = await rawConnect(m);
    jsm = await jetstreamManager(nc);
    env = { NATS_URL: m.nats.url };
  });

  afterAll(() => m?.close());

  const lettersOf = async (eventId: string) =>
    (await new DeadLetterStore(jsm).list({ limit: 1000 })).filter((l) => l.envelope?.id === eventId);

  /** Publishes an event both apps dead-letter; resolves when both letters are in the DLQ. */
  async function deadLettered(type: string): Promise<{ id: string; forA: StoredDeadLetter; forB: StoredDeadLetter }> {
    const { id } = await producer.events.publishEvent(type, { rejectUntilRedriven: true });
    await waitFor(async () => (await lettersOf(id)).length === 2, { message: `${type} was not dead-lettered by both apps` });
    const letters = await lettersOf(id);
    return { id, forA: letters.find((l) => l.consumer === 'cli-a')!, forB: letters.find((l) => l.consumer === 'cli-b')! };
  }

  it('dlq ls lists a dead-lettered message, newest first, filtered by consumer and type', async () => {
    const older = await deadLettered('parcel.lost');
    const newer = await deadLettered('parcel.damaged');

    const all = await mesh(['dlq', 'ls'], { env });
    expect(all.code).toBe(0);
    const rows = all.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^SEQ +DEAD-LETTERED +CONSUMER +TYPE +REASON +DELIVERIES +EVENT ID +ERROR$/);
    expect(rows.slice(1, -1).map((r) => Number(r.split(/\s+/)[0]))).toEqual(
      [older.forA.seq, older.forB.seq, newer.forA.seq, newer.forB.seq].sort((a, b) => b - a),
    );
    expect(rows.at(-1)).toBe('4 of 4 dead letters, newest first.');

    const mine = await mesh(['dlq', 'ls', '--consumer', 'cli-a', '--type', 'parcel.lost'], { env });
    const [, row, footer] = mine.stdout.trim().split('\n');
    expect(row.split(/\s{2,}/)).toEqual([
      String(older.forA.seq), older.forA.time, 'cli-a', 'parcel.lost', 'non_retryable', '1', older.id,
      'NonRetryableError: the recorder was told to reject this eve…',
    ]);
    expect(footer).toBe('1 of 1 dead letters of cli-a of type parcel.lost, newest first.');

    const limited = await mesh(['dlq', 'ls', '--limit', '1', '--json'], { env });
    const [one] = limited.stdout.trim().split('\n').map((l) => JSON.parse(l) as StoredDeadLetter);
    expect(one.seq).toBe(Math.max(newer.forA.seq, newer.forB.seq));
    expect((await mesh(['dlq', 'ls', '--consumer', 'nobody'], { env })).stdout).toBe('No dead letters of nobody.\n');
    await jsm.streams.purge(STREAM_DLQ);
  });

  it('dlq show prints the headers, reason, error and envelope', async () => {
    const { id, forA } = await deadLettered('parcel.weighed');
    const res = await mesh(['dlq', 'show', String(forA.seq)], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Dead letter #${forA.seq} on dlq.cli-a.parcel.weighed`);
    expect(res.stdout).toMatch(/ {2}reason {6}non_retryable\n/);
    expect(res.stdout).toContain('  error       NonRetryableError: the recorder was told to reject this event until it is redriven');
    expect(res.stdout).toContain(`  ${HEADER.dlqConsumer}: cli-a`);
    expect(res.stdout).toContain(`  ${HEADER.originalSubject}: events.parcel.weighed`);
    const envelope = JSON.parse(res.stdout.slice(res.stdout.indexOf('Envelope\n') + 'Envelope\n'.length));
    expect(envelope).toMatchObject({ id, type: 'parcel.weighed', data: { rejectUntilRedriven: true } });

    const missing = await mesh(['dlq', 'show', '999999'], { env });
    expect([missing.code, missing.stderr]).toEqual([1, 'mesh: EVENTS_DLQ has no message #999999; list them with "mesh dlq ls"\n']);
    expect((await mesh(['dlq', 'show', 'abc'], { env })).code).toBe(2);
    await jsm.streams.purge(STREAM_DLQ);
  });

  it('dlq redrive gets the event processed by its consumer and not by the others, and removes the letter', async () => {
    const { id, forA, forB } = await deadLettered('parcel.found');
    const res = await mesh(['dlq', 'redrive', String(forA.seq)], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^redrove #${forA.seq} \\(parcel\\.found\\) to cli-a: cli-a-replay gets it as EVENTS_REPLAY #\\d+\\n1 redriven, 0 failed\\.\\n$`));

    await waitFor(async () => (await handled(m)).some((r) => r.event_id === id), { message: 'the redriven event was never handled' });
    // Give cli-b every chance to (wrongly) see it too: a later event reaches both apps first.
    const { id: marker } = await producer.events.publishEvent('parcel.marker', {});
    await waitFor(async () => (await handled(m)).filter((r) => r.event_id === marker).length === 2);
    expect((await handled(m)).filter((r) => r.event_id === id).map((r) => r.consumer)).toEqual(['cli-a-replay']);
    expect((await lettersOf(id)).map((l) => l.seq)).toEqual([forB.seq]);
    const copies = (await readStream(nc, STREAM_REPLAY)).filter((msg) => msg.string().includes(id));
    expect(copies.map((c) => c.subject)).toEqual(['replay.cli-a.parcel.found']);
    await jsm.streams.purge(STREAM_DLQ);
  });

  it('dlq redrive --all --consumer sends back every letter of one app, with progress, and reports missing sequences', async () => {
    const first = await deadLettered('crate.lost');
    const second = await deadLettered('crate.lost');
    const res = await mesh(['dlq', 'redrive', '--all', '--consumer', 'cli-b'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/2 redriven, 0 failed\.\n$/);
    expect(res.stderr).toContain('redriving 2/2');
    await waitFor(async () => {
      const rows = await handled(m);
      return [first.id, second.id].every((id) => rows.some((r) => r.event_id === id && r.consumer === 'cli-b-replay'));
    }, { message: 'cli-b never handled its redriven events' });
    expect((await handled(m)).filter((r) => [first.id, second.id].includes(r.event_id)).map((r) => r.consumer)).toEqual(['cli-b-replay', 'cli-b-replay']);
    expect((await new DeadLetterStore(jsm).list()).map((l) => l.consumer)).toEqual(['cli-a', 'cli-a']);

    const partial = await mesh(['dlq', 'redrive', String(first.forA.seq), '999999'], { env });
    expect(partial.code).toBe(1);
    expect(partial.stdout).toMatch(/1 redriven, 1 failed\.\n$/);
    expect(partial.stderr).toContain('mesh: #999999 not redriven: EVENTS_DLQ has no message #999999');

    for (const args of [['dlq', 'redrive'], ['dlq', 'redrive', '--all'], ['dlq', 'redrive', '5', '--all', '--consumer', 'cli-a'], ['dlq', 'redrive', 'x1']]) {
      const bad = await mesh(args, { env });
      expect([args, bad.code]).toEqual([args, 2]);
    }
    await jsm.streams.purge(STREAM_DLQ);
  });

  it('dlq purge asks for confirmation, then purges one consumer or everything', async () => {
    await deadLettered('box.dropped');
    await deadLettered('box.dropped');
    const unconfirmed = await mesh(['dlq', 'purge'], { env });
    expect([unconfirmed.code, unconfirmed.stderr]).toEqual([2, 'mesh: Refusing to purge 4 dead letters without confirmation: add --yes\n']);
    expect(await new DeadLetterStore(jsm).count()).toBe(4);

    const one = await mesh(['dlq', 'purge', '--consumer', 'cli-a', '--yes'], { env });
    expect(one.stdout).toBe('purged 2 dead letters of cli-a.\n');
    expect(await new DeadLetterStore(jsm).depthByConsumer()).toEqual({ 'cli-b': 2 });
    expect((await mesh(['dlq', 'purge', '-y'], { env })).stdout).toBe('purged 2 dead letters.\n');
    expect(await new DeadLetterStore(jsm).count()).toBe(0);
    expect((await mesh(['dlq', 'purge', '-y'], { env })).stdout).toBe('No dead letters; nothing purged.\n');
  });

  it('records each redrive and purge as an audit.* event with actor cli, the target and what it did', async () => {
    const audits: Array<{ type: string; actor: string; source: string; data: Record<string, unknown> }> = [];
    const sub = nc.subscribe('events.audit.>', { callback: (err, msg) => void (err || audits.push(msg.json())) });
    await nc.flush();
    try {
      const { forA } = await deadLettered('parcel.audited');
      expect((await mesh(['dlq', 'redrive', String(forA.seq)], { env })).code).toBe(0);
      expect((await mesh(['dlq', 'purge', '--consumer', 'cli-b', '-y'], { env })).code).toBe(0);
      await waitFor(() => audits.length >= 2, { timeoutMs: 30_000, message: 'the CLI published no audit events' });
      expect(audits).toEqual([
        expect.objectContaining({ type: 'audit.dead_letters_redriven', actor: 'cli', source: 'mesh-cli', data: expect.objectContaining({ action: 'dead_letters_redriven', actor: 'cli', target: { type: 'dlq' }, redriven: [forA.seq], failed: [] }) }),
        expect.objectContaining({ type: 'audit.dead_letters_purged', actor: 'cli', data: expect.objectContaining({ target: { type: 'dlq', id: 'cli-b' }, filter: { consumer: 'cli-b' }, purged: 1 }) }),
      ]);
    } finally {
      sub.unsubscribe();
      await jsm.streams.purge(STREAM_DLQ);
    }
  });
});
