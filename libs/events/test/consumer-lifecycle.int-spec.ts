import { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { STREAM_EVENTS } from '@app/events';
import { waitFor } from '@app/testing';
import { handled, Mesh, startMesh, rawConnect, RunningApp, startProducer } from './support.js';
import { RecorderProcess } from './recorder-process.js';

describe('Consumer processes that crash or stop (real processes, nats-server, PostgreSQL)', () => {
  let mesh: Mesh;
  let producer: RunningApp;
  let nc: NatsConnection;
  const running: RecorderProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const p = await RecorderProcess.start(mesh, env);
    running.push(p);
    return p;
  };

  beforeAll(async () => {
    mesh = await startMesh('lifecycle');
    producer = await startProducer(mesh);
    nc = await rawConnect(mesh);
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill('SIGKILL')));
    await mesh?.close();
  });

  const rowsFor = async (id: string) => (await handled(mesh)).filter((r) => r.event_id === id);

  it('redelivers the message of a consumer killed mid-handler to the next instance', async () => {
    const first = await start({ RECORDER_INSTANCE: 'first', RECORDER_HANG_ON: 'order.stuck' });
    const { id } = await producer.events.publishEvent('order.stuck', {});
    await first.waitForOutput(`HANDLING ${id}`);
    await first.kill('SIGKILL');

    const second = await start({ RECORDER_INSTANCE: 'second' });
    await waitFor(async () => (await rowsFor(id)).length === 1, { timeoutMs: 15_000 });
    // nats-server notices the dead client lost interest and may not count that delivery,
    // so the delivery number is not asserted: who handled it, and how often, is what matters.
    expect(await rowsFor(id)).toEqual([expect.objectContaining({ instance: 'second', consumer: 'recorder' })]);
    await second.kill('SIGTERM');
  });

  it('on SIGTERM stops fetching, finishes the in-flight handler, acks it once and exits cleanly', async () => {
    const proc = await start({ RECORDER_CONSUMER: 'recorder-term', RECORDER_INSTANCE: 'term' });
    const { id } = await producer.events.publishEvent('order.slow', { sleepMs: 1_500 });
    await proc.waitForOutput(`HANDLING ${id}`);
    // Nest's shutdown hooks close the app, then re-raise the signal: a clean exit by SIGTERM.
    expect(await proc.kill('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    expect(proc.log).toContain('stopped consuming, in-flight handlers finished');
    expect(proc.log).not.toMatch(/ERROR/);
    const rows = (await rowsFor(id)).filter((r) => r.consumer === 'recorder-term');
    expect(rows).toEqual([expect.objectContaining({ instance: 'term', delivery: 1 })]);
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(STREAM_EVENTS, 'recorder-term');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });
});
