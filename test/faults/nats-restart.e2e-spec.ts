import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, subjectForType } from '@app/events';
import { AppProcess, NatsServerHarness, publishWithRetry, TestDatabase, waitFor } from '@app/testing';
import { tallyEffects } from './support/fault-tally.js';

const healthStatus = async (app: AppProcess): Promise<number> => {
  try {
    const res = await fetch(`${app.url}/health/events`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
};

/**
 * Fault: nats-server restarts under a connected app. The app must report the outage (503), recover
 * on its own (200, same process) and store what was sent before and after exactly once.
 */
describe('fault: nats-server restarted under a connected event-store (real processes)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let store: AppProcess | undefined;
  let nc: NatsConnection | undefined;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('fault_nats_restart');
  });
  afterAll(async () => {
    await nc?.close();
    await store?.kill();
    await nats?.close();
    await db?.drop();
  });

  it('answers 503 while NATS is down, 200 after, with no restart, and stores every event once', async () => {
    const started = Date.now();
    store = await AppProcess.start('event-store', { env: { NATS_URL: nats.url, DATABASE_URL: db.url } });
    const pid = store.pid;
    const send = async (n: number, tag: string) => {
      nc ??= await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
      const js = jetstream(nc);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const e = createEnvelope('fault.nats_restart', { tag, i }, 'faults');
        // The PubAck of a publish right after the restart can be lost while the server restores its streams.
        await publishWithRetry(js, subjectForType(e.type), JSON.stringify(e), { msgID: e.id, timeout: 2_000 }, 10);
        ids.push(e.id);
      }
      return ids;
    };
    const before = await send(100, 'before');

    await nats.stop();
    await waitFor(async () => (await healthStatus(store!)) === 503, { timeoutMs: 15_000, message: 'health did not report the NATS outage' });
    await nats.restart();
    await waitFor(async () => (await healthStatus(store!)) === 200, { timeoutMs: 30_000, message: 'health did not recover after NATS came back' });
    expect(store.running).toBe(true);
    expect(store.pid).toBe(pid);

    const after = await send(100, 'after');
    const sent = [...before, ...after];
    const count = async () =>
      (await db.query<{ id: string; n: string }>('SELECT id, count(*) AS n FROM events WHERE id = ANY($1) GROUP BY id', [sent])).rows;
    await waitFor(async () => (await count()).length === sent.length, { timeoutMs: 30_000, message: 'not every event was stored' });
    const seen = new Map((await count()).map((r) => [r.id, Number(r.n)]));
    expect(tallyEffects('nats restart', sent, seen, `(${Date.now() - started} ms)`)).toEqual({ sent: sent.length, stored: sent.length, duplicates: 0, lost: 0 });
  });
});
