import { AppProcess, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { AlgoliaStandIn } from '../../apps/search-sync/test/algolia-stand-in.js';
import { RawPublisher, vendor, vendorEvent } from '../../apps/search-sync/test/support.js';
import { countKeys, tallyEffects } from './support/fault-tally.js';
import { SIGTERM_EXIT_LIMIT_MS, sigtermTimed } from './support/sigterm.js';

const N = 4_000;
const BATCH = /^POST \/1\/indexes\/\*\/batch$/;
type BatchBody = { requests: { action: string; indexName: string; body: { objectID: string } }[] };

/**
 * Fault: search-sync stopped by SIGTERM while batches are in flight at Algolia (the stand-in
 * answers each after a round trip), then started again. It must exit in under 30 s; every vendor
 * must end in the index, and a clean stop must not leave a batch it applied to be applied again.
 */
describe('fault: search-sync SIGTERM under load (real process, nats-server, PostgreSQL, Algolia stand-in)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let stand: AlgoliaStandIn;
  let standUrl: string;
  let raw: RawPublisher;
  let app: AppProcess | undefined;
  const start = () =>
    AppProcess.start('search-sync', {
      env: {
        NATS_URL: nats.url,
        DATABASE_URL: db.url,
        CONSUMER_ACK_WAIT: '5s',
        ALGOLIA_APP_ID: stand.appId,
        ALGOLIA_API_KEY: stand.apiKey,
        ALGOLIA_HOSTS: standUrl,
        ALGOLIA_TIMEOUT: '10s',
        // Small batches so the stream lasts a few seconds against the stand-in's round trip.
        SEARCH_BATCH_SIZE: '50',
      },
    });

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('fault_search_stop');
    stand = new AlgoliaStandIn();
    standUrl = await stand.start();
    stand.answerDelayMs = 60;
    raw = await RawPublisher.connect(nats.url);
  });

  afterAll(async () => {
    await app?.kill();
    await raw?.close();
    await stand?.close();
    await nats?.close();
    await db?.drop();
  });

  const written = () =>
    stand
      .sent(BATCH)
      .filter((r) => r.status === 200)
      .flatMap((r) => (r.body as BatchBody).requests.filter((q) => q.indexName === 'vendors').map((q) => q.body.objectID));

  it(`SIGTERM mid-stream of ${N} vendor.created: exits in under 30 s, and after a restart each vendor is indexed, written once`, async () => {
    app = await start();
    const vendors = Array.from({ length: N }, () => vendor());
    const sending = (async () => {
      for (let i = 0; i < N; i += 200) {
        await Promise.all(vendors.slice(i, i + 200).map((v) => raw.publish(vendorEvent.created(v, '2025-06-01T00:00:00Z'))));
      }
    })();
    await waitFor(() => written().length >= 300, { timeoutMs: 30_000, intervalMs: 10, message: 'search-sync did not start writing' });
    const { exitMs, exit } = await sigtermTimed(app);
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(exitMs).toBeLessThan(SIGTERM_EXIT_LIMIT_MS);
    const beforeRestart = written().length;
    // Mid-stream for real: the next instance has work left.
    expect(beforeRestart).toBeLessThan(N);

    await sending;
    app = await start();
    await raw.idle(60_000);
    const ids = vendors.map((v) => v.id);
    await waitFor(() => ids.every((id) => stand.indexes.get('vendors')?.has(id)), { timeoutMs: 30_000, message: 'not every vendor reached the index' });

    const tally = tallyEffects('search-sync SIGTERM under load', ids, countKeys(written()), `(written before the restart ${beforeRestart}; exit ${exitMs} ms)`);
    expect(tally).toEqual({ sent: N, stored: N, duplicates: 0, lost: 0 });
    const wanted = new Set(ids);
    expect(stand.records('vendors').filter((r) => wanted.has(r.objectID))).toHaveLength(N);
  });
});
