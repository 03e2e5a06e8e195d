import { PgListener } from '@app/events';
import { Collector, TestDatabase, waitFor } from '@app/testing';

describe('PgListener (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await TestDatabase.create('pg_listener');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('wakes on NOTIFY, listens again after its connection is cut, and lets go on stop', async () => {
    const wakes = new Collector<number>();
    const listener = new PgListener(db.url, 'test_wake', () => wakes.push(Date.now()));
    listener.start();
    try {
      await waitFor(() => listener.listening, { message: 'LISTEN not in place' });
      await db.query(`NOTIFY test_wake`);
      await wakes.waitForCount(1);

      // An operator (or a failover) kills the connection: the listener comes back by itself.
      const cut = await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query = 'LISTEN test_wake'`, [db.name]);
      expect(cut.rowCount).toBe(1);
      await waitFor(() => !listener.listening, { message: 'the cut went unnoticed' });
      await waitFor(() => listener.listening, { timeoutMs: 15_000, message: 'LISTEN not back after the cut' });
      await db.query(`NOTIFY test_wake`);
      await wakes.waitForCount(2);
    } finally {
      await listener.stop();
    }
    expect(listener.listening).toBe(false);
    const listeners = async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query = 'LISTEN test_wake'`, [db.name])).rowCount;
    await waitFor(async () => (await listeners()) === 0, { message: 'the LISTEN connection outlived stop()' });
  });
});
