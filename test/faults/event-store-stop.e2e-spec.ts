import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, subjectForType } from '@app/events';
import { AppProcess, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { tallyEffects } from './support/fault-tally.js';
import { SIGTERM_EXIT_LIMIT_MS, sigtermTimed } from './support/sigterm.js';

const N = 5_000;

/**
 * Faults: event-store replicas stopped under load, by SIGTERM (graceful, must exit in under 30 s)
 * and by kill -9 (twice). Every event sent is stored exactly once either way.
 */
describe('fault: event-store stopped under load (real processes)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  const apps: AppProcess[] = [];
  const start = async () => {
    const app = await AppProcess.start('event-store', { env: { NATS_URL: nats.url, DATABASE_URL: db.url, CONSUMER_ACK_WAIT: '5s' } });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('fault_store_stop');
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill()));
    await nc?.close();
    await nats?.close();
    await db?.drop();
  });

  /** Publishes `n` events, 200 in flight; resolves with their ids. */
  async function send(tag: string, n = N): Promise<string[]> {
    const js = jetstream(nc);
    const ids: string[] = [];
    for (let i = 0; i < n; i += 200) {
      const chunk = Array.from({ length: Math.min(200, n - i) }, (_, k) => createEnvelope('fault.store_stop', { tag, i: i + k }, 'faults'));
      await Promise.all(chunk.map((e) => js.publish(subjectForType(e.type), JSON.stringify(e), { msgID: e.id })));
      ids.push(...chunk.map((e) => e.id));
    }
    return ids;
  }

  const storedCount = () => db.query<{ n: string }>('SELECT count(*) AS n FROM events').then((r) => Number(r.rows[0].n));

  async function expectStoredOnce(label: string, sent: string[]): Promise<void> {
    const count = async () =>
      (await db.query<{ id: string; n: string }>('SELECT id, count(*) AS n FROM events WHERE id = ANY($1) GROUP BY id', [sent])).rows;
    await waitFor(async () => (await count()).length === sent.length, { timeoutMs: 60_000, message: `${label}: not every event was stored` });
    const seen = new Map((await count()).map((r) => [r.id, Number(r.n)]));
    expect(tallyEffects(label, sent, seen)).toEqual({ sent: sent.length, stored: sent.length, duplicates: 0, lost: 0 });
  }

  it('SIGTERM mid-stream: exits cleanly in under 30 s, and a new instance stores the rest, each event once', async () => {
    const first = await start();
    const sending = send('sigterm');
    const baseline = await storedCount();
    await waitFor(async () => (await storedCount()) > baseline + 500, { timeoutMs: 30_000, message: 'the store did not start writing' });
    const { exitMs, exit } = await sigtermTimed(first);
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(exitMs).toBeLessThan(SIGTERM_EXIT_LIMIT_MS);
    await start();
    await expectStoredOnce('SIGTERM under load', await sending);
  });

  it('two replicas, one killed -9 twice mid-stream: every event stored once', async () => {
    const [, victim] = await Promise.all([start(), start()]);
    const sending = send('kill9');
    const baseline = await storedCount();
    await waitFor(async () => (await storedCount()) > baseline + 500, { timeoutMs: 30_000, message: 'the stores did not start writing' });
    await victim.kill('SIGKILL');
    const again = await start();
    await waitFor(async () => (await storedCount()) > baseline + 2_000, { timeoutMs: 30_000, message: 'writing did not go on' });
    await again.kill('SIGKILL');
    await expectStoredOnce('replica killed -9 twice', await sending);
  });
});
