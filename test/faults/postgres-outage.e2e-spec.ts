import pg from 'pg';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, subjectForType } from '@app/events';
import { AppProcess, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { tallyEffects } from './support/fault-tally.js';

const N = 20_000;

/**
 * Fault: PostgreSQL unreachable in the middle of a 20,000-event stream into the event store. The
 * database refuses every connection (ALLOW_CONNECTIONS false binds superusers too) and its sessions
 * are terminated, so the writer's pool really loses the server; nothing may be acked meanwhile.
 */
describe('fault: PostgreSQL unreachable during a 20,000-event stream into event-store (real processes)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let nc: NatsConnection;
  let store: AppProcess | undefined;
  let admin: pg.Client;

  const setReachable = async (reachable: boolean) => {
    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS ${reachable}`);
    if (!reachable) await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
  };

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('fault_pg_outage');
    const maintenance = new URL(db.url);
    maintenance.pathname = '/postgres';
    admin = new pg.Client({ connectionString: maintenance.toString() });
    await admin.connect();
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await store?.kill();
    await nc?.close();
    if (db) await setReachable(true).catch(() => undefined);
    await admin?.end();
    await nats?.close();
    await db?.drop();
  });

  it('stores all 20,000 events exactly once after the outage', async () => {
    store = await AppProcess.start('event-store', { env: { NATS_URL: nats.url, DATABASE_URL: db.url, CONSUMER_MAX_DELIVER: '1000', CONSUMER_BACKOFF: '200ms,500ms,1s' } });
    const js = jetstream(nc);
    const ids: string[] = [];
    const sending = (async () => {
      for (let i = 0; i < N; i += 500) {
        const chunk = Array.from({ length: Math.min(500, N - i) }, (_, k) => createEnvelope('fault.pg_outage', { i: i + k }, 'faults'));
        await Promise.all(chunk.map((e) => js.publish(subjectForType(e.type), JSON.stringify(e), { msgID: e.id })));
        ids.push(...chunk.map((e) => e.id));
      }
    })();
    const storedCount = () => db.query<{ n: string }>('SELECT count(*) AS n FROM events').then((r) => Number(r.rows[0].n));
    await waitFor(async () => (await storedCount()) > 2_000, { timeoutMs: 60_000, message: 'the store did not start writing' });

    await setReachable(false);
    const health = async () => {
      const res = await fetch(`${store!.url}/health/events`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return res.status;
    };
    await waitFor(async () => (await health()) === 503, { timeoutMs: 20_000, message: 'health did not report PostgreSQL down' });
    await setReachable(true);

    await sending;
    const count = async () =>
      (await db.query<{ id: string; n: string }>('SELECT id, count(*) AS n FROM events WHERE id = ANY($1) GROUP BY id', [ids])).rows;
    await waitFor(async () => (await count()).length === N, { timeoutMs: 120_000, intervalMs: 1_000, message: 'not every event was stored' });
    const seen = new Map((await count()).map((r) => [r.id, Number(r.n)]));
    expect(tallyEffects('PostgreSQL outage', ids, seen)).toEqual({ sent: N, stored: N, duplicates: 0, lost: 0 });
    expect(store.running).toBe(true);
  });
});
