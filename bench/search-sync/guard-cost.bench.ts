/**
 * search-sync's database work per batch, apart from NATS: where its ratio to the raw pipeline goes.
 *
 *   npm run build:fast && node dist/bench/search-sync/guard-cost.bench.js
 *
 * On a fresh database (DATABASE_URL's server, search-sync's migration), batches of 1,000 vendor
 * upserts (sorted by key, one per vendor, the vendors updated again every 10 batches) are applied by
 *   raw    the raw pipeline's write: one `INSERT … ON CONFLICT DO UPDATE` into the documents, autocommit;
 *   guard  the order guard's claim alone (`claimNewer` in a transaction);
 *   app    search-sync's `SyncApplier.apply` into the local index: a transaction holding the index
 *          lock, the reindex-jobs lookup, the claim, the same document write;
 * alternating which goes first each round. Prints the median ms per batch of each and app ÷ raw.
 *
 * Environment: BENCH_ROUNDS (default 6), BENCH_BATCHES per round and side (default 30),
 * BENCH_DEADLINE_S (default 600).
 */
import { DataSource } from 'typeorm';
import { TestDatabase } from '@app/testing';
import type { IndexOperation } from '../../apps/search-sync/src/mapping/index-mapping.js';
import { LocalSearchProvider } from '../../apps/search-sync/src/providers/local/local.provider.js';
import { CreateSearchSync1735000000000 } from '../../apps/search-sync/src/store/migrations/1735000000000-create-search-sync.js';
import { claimNewer } from '../../apps/search-sync/src/sync/order-guard.repository.js';
import { SyncApplier } from '../../apps/search-sync/src/sync/sync-applier.js';
import type { SearchSyncMetrics } from '../../apps/search-sync/src/sync/search-sync.metrics.js';
import { armDeadline } from '../support/deadline.js';
import { envInt } from '../support/env.js';
import { fmtRatio, table } from '../support/format.js';
import { median } from '../support/stats.js';

const ROUNDS = envInt('BENCH_ROUNDS', 6, 1);
const BATCHES = envInt('BENCH_BATCHES', 30, 1);
const SIDES = ['raw', 'guard', 'app'] as const;
type Side = (typeof SIDES)[number];

let clock = Date.parse('2026-01-01T00:00:00Z');
function batch(side: Side, b: number): IndexOperation[] {
  return Array.from({ length: 1000 }, (_, i) => {
    const id = `${side}-${String((b % 10) * 1000 + i).padStart(6, '0')}`;
    const name = `Vendor ${id} taco stand`;
    clock += 1;
    return {
      index: 'vendors', objectID: id, action: 'upsert' as const, eventTime: new Date(clock).toISOString(), eventId: `e${clock}`,
      record: { objectID: id, name, city: 'Lisbon', tags: ['food', 'mexican'], rating: 4.5 }, searchable: [name, 'Lisbon', 'food mexican'],
    };
  });
}

const db = await TestDatabase.create('bench_guard_cost');
let ds: DataSource | undefined;
const cleanup = async () => {
  await ds?.destroy();
  await db.drop();
};
armDeadline('guard-cost', envInt('BENCH_DEADLINE_S', 600, 1) * 1000, cleanup);
try {
  ds = await new DataSource({ type: 'postgres', url: db.url, migrations: [CreateSearchSync1735000000000], poolSize: 2 }).initialize();
  await ds.runMigrations();
  const provider = new LocalSearchProvider(ds);
  // The applier's metrics are not what is measured here.
  const applier = new SyncApplier(ds, provider, { batch: () => undefined } as unknown as SearchSyncMetrics);
  const run: Record<Side, (ops: IndexOperation[]) => Promise<unknown>> = {
    raw: (ops) => provider.write(ops, ds!.manager),
    guard: (ops) => ds!.transaction((tx) => claimNewer(tx, ops)),
    app: (ops) => applier.apply(ops),
  };
  const ms: Record<Side, number[]> = { raw: [], guard: [], app: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 ? [...SIDES].reverse() : SIDES) {
      const started = performance.now();
      for (let b = 0; b < BATCHES; b++) await run[side](batch(side, b));
      ms[side].push((performance.now() - started) / BATCHES);
      process.stderr.write(`[bench] round ${round + 1} ${side}: ${ms[side].at(-1)!.toFixed(1)} ms per batch\n`);
    }
  }
  const raw = median(ms.raw);
  console.log(`search-sync database work per batch of 1,000 upserts (local index), median of ${ROUNDS} rounds × ${BATCHES} batches`);
  console.log(table(['side', '>ms per batch', '>÷ raw'], SIDES.map((s) => [s, median(ms[s]).toFixed(1), fmtRatio(median(ms[s]) / raw)])));
} finally {
  await cleanup();
}
