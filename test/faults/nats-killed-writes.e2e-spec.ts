import { AppProcess, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { tallyEffects } from './support/fault-tally.js';

const WRITES = 500;
const CONCURRENCY = 10;

/**
 * Fault: nats-server killed -9 during vendor writes. The vendor-service keeps answering (its events
 * wait in the outbox), and once NATS is back every vendor.created reaches the event store once.
 */
describe('fault: nats-server killed during 500 vendor writes at concurrency 10 (real processes)', () => {
  let nats: NatsServerHarness;
  let vendorDb: TestDatabase;
  let storeDb: TestDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    [vendorDb, storeDb] = await Promise.all([TestDatabase.create('fault_writes_vendor'), TestDatabase.create('fault_writes_store')]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill()));
    await nats?.close();
    await vendorDb?.drop();
    await storeDb?.drop();
  });

  it('answers every write without a 5xx and stores each vendor.created exactly once', async () => {
    const [vendors, store] = await Promise.all([
      AppProcess.start('vendor-service', { env: { NATS_URL: nats.url, DATABASE_URL: vendorDb.url } }),
      AppProcess.start('event-store', { env: { NATS_URL: nats.url, DATABASE_URL: storeDb.url } }),
    ]);
    apps.push(vendors, store);

    const statuses: number[] = [];
    const ids: string[] = [];
    let next = 0;
    let outage: Promise<void> | undefined;
    const writer = async () => {
      while (next < WRITES) {
        const n = next++;
        // A third of the way in the server dies; two thirds in it comes back (same store).
        if (n === Math.floor(WRITES / 3)) outage = nats.kill('SIGKILL');
        if (n === Math.floor((2 * WRITES) / 3)) await outage?.then(() => nats.restart());
        const res = await fetch(`${vendors.url}/vendors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Fault Vendor ${n}` }),
          signal: AbortSignal.timeout(30_000),
        });
        statuses.push(res.status);
        const body = (await res.json()) as { id?: string };
        if (res.status === 201 && body.id) ids.push(body.id);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, writer));
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(ids).toHaveLength(WRITES);

    const stored = async () =>
      (await storeDb.query<{ subject: string; n: string }>(`SELECT subject, count(*) AS n FROM events WHERE type = 'vendor.created' GROUP BY subject`)).rows;
    await waitFor(async () => (await stored()).length >= WRITES, { timeoutMs: 60_000, intervalMs: 500, message: 'not every vendor.created reached the event store' });
    const rows = await stored();
    const byVendor = new Map(rows.map((r) => [r.subject, Number(r.n)]));
    expect(tallyEffects('nats killed during writes', ids, byVendor)).toEqual({ sent: WRITES, stored: WRITES, duplicates: 0, lost: 0 });
    // Nothing stored beyond what was written.
    expect(rows).toHaveLength(WRITES);
  });
});
