import { DataSource } from 'typeorm';
import { TestDatabase, waitFor } from '@app/testing';
import { CreateSearchSync1735000000000 } from '../src/store/migrations/1735000000000-create-search-sync.js';
import { GuardOnDocuments1765100000000 } from '../src/store/migrations/1765100000000-guard-on-documents.js';
import { inIndexWrite, lockForSwap } from '../src/sync/index-lock.js';

/** The batch transaction's opening (BEGIN, shared lock, reindex lookup in one round trip) against real PostgreSQL. */
describe('inIndexWrite', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await TestDatabase.create('search_sync_index_write');
    ds = await new DataSource({ type: 'postgres', url: db.url, migrations: [CreateSearchSync1735000000000, GuardOnDocuments1765100000000], poolSize: 4 }).initialize();
    await ds.runMigrations();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  afterEach(() => ds.query('DELETE FROM search_reindex_jobs'));

  const waitingForLock = () =>
    ds.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`).then(([{ n }]: { n: number }[]) => n > 0);

  it('sees a reindex that a swap committed while the batch waited for the lock (the lookup takes its snapshot after the lock)', async () => {
    const swap = ds.createQueryRunner();
    await swap.startTransaction();
    await lockForSwap(swap.manager);
    await swap.query(`INSERT INTO search_reindex_jobs (id, index_name, temp_index, status) VALUES (gen_random_uuid(), 'vendors', 'vendors_tmp', 'running')`);

    const batch = inIndexWrite(ds, async (_tx, reindexes) => reindexes);
    await waitFor(waitingForLock, { message: 'the batch never waited for the swap lock' });
    await swap.commitTransaction();
    await swap.release();

    expect(await batch).toEqual([{ index_name: 'vendors', temp_index: 'vendors_tmp' }]);
  });

  it('commits the work and holds the shared lock until then (a swap waits for the batch)', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const batch = inIndexWrite(ds, async (tx, reindexes) => {
      await tx.query(`INSERT INTO search_reindex_jobs (id, index_name, temp_index, status) VALUES (gen_random_uuid(), 'offers', 'offers_tmp', 'done')`);
      await held;
      return reindexes;
    });
    await waitFor(() => ds.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND mode = 'ShareLock'`).then(([{ n }]: { n: number }[]) => n === 1), {
      message: 'the batch did not take the shared lock',
    });
    const swapped = ds.transaction(async (tx) => {
      await lockForSwap(tx);
      return (await tx.query(`SELECT count(*)::int AS n FROM search_reindex_jobs WHERE index_name = 'offers'`))[0].n as number;
    });
    await waitFor(waitingForLock, { message: 'the swap never waited for the batch' });
    release();

    expect(await batch).toEqual([]);
    expect(await swapped).toBe(1); // it ran after the batch committed
  });

  it('rolls back and rethrows the work’s error, leaving the connection usable', async () => {
    await expect(
      inIndexWrite(ds, async (tx) => {
        await tx.query(`INSERT INTO search_reindex_jobs (id, index_name, temp_index, status) VALUES (gen_random_uuid(), 'vendors', 'vendors_tmp', 'running')`);
        await tx.query('SELECT 1 / 0');
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await ds.query('SELECT count(*)::int AS n FROM search_reindex_jobs')).toEqual([{ n: 0 }]);
    // Every pooled connection is out of any transaction: a fresh batch per connection opens and commits.
    const all = await Promise.all(Array.from({ length: 4 }, () => inIndexWrite(ds, async (_tx, reindexes) => reindexes)));
    expect(all).toEqual([[], [], [], []]);
  });
});
