/**
 * search-sync's database work per batch, apart from NATS: where its ratio to the raw pipeline goes.
 *
 *   npm run build:fast && node dist/bench/search-sync/guard-cost.bench.js
 *
 * On a fresh database (DATABASE_URL's server, search-sync's migration), batches of 1,000 vendor
 * upserts (sorted by key, one per vendor, the vendors updated again every 10 batches) are applied by
 *   raw    the raw pipeline's write: one `INSERT … ON CONFLICT DO UPDATE` into a copy of the documents
 *          without guard columns, autocommit;
 *   guard  the remote (Algolia) order guard's claim alone (`claimNewer` on search_sync_state, in a transaction);
 *   app    search-sync's `SyncApplier.apply` into the local index: a transaction holding the index
 *          lock, the reindex-jobs lookup, the conditional upsert that guards and writes the documents;
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
import { GuardOnDocuments1765100000000 } from '../../apps/search-sync/src/store/migrations/1765100000000-guard-on-documents.js';
import { claimNewer } from '../../apps/search-sync/src/sync/order-guard.repository.js';
import { SyncApplier } from '../../apps/search-sync/src/sync/sync-applier.js';
import type { SearchSyncMetrics } from '../../apps/search-sync/src/sync/search-sync.metrics.js';
import { armDeadline } from '../support/deadline.js';
import { envInt } from '../support/env.js';
import { fmtRatio, table } from '../support/format.js';
import { median } from '../support/stats.js';
import { printResultRows } from '../support/result-line.js';

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
  ds = await new DataSource({ type: 'postgres', url: db.url, migrations: [CreateSearchSync1735000000000, GuardOnDocuments1765100000000], poolSize: 2 }).initialize();
  await ds.runMigrations();
  await ds.query(`CREATE TABLE raw_documents (LIKE search_documents INCLUDING ALL)`);
  await ds.query(`ALTER TABLE raw_documents DROP COLUMN event_time, DROP COLUMN event_id, DROP COLUMN deleted, DROP COLUMN applied_at`);
  const provider = new LocalSearchProvider(ds);
  // The applier's metrics are not what is measured here.
  const applier = new SyncApplier(ds, provider, { batch: () => undefined } as unknown as SearchSyncMetrics);
  const run: Record<Side, (ops: IndexOperation[]) => Promise<unknown>> = {
    raw: (ops) =>
      ds!.query(
        `INSERT INTO raw_documents (index_name, object_id, record, primary_text, document)
         SELECT index_name, object_id, record, primary_text,
                setweight(to_tsvector('simple', primary_text), 'A') || setweight(to_tsvector('simple', other_text), 'B')
           FROM json_to_recordset($1::json) AS r(index_name text, object_id text, record jsonb, primary_text text, other_text text)
           ORDER BY index_name, object_id
         ON CONFLICT (index_name, object_id) DO UPDATE SET record = excluded.record, primary_text = excluded.primary_text, document = excluded.document`,
        [JSON.stringify(ops.map((op) => ({ index_name: op.index, object_id: op.objectID, record: op.record, primary_text: op.searchable?.[0] ?? '', other_text: (op.searchable ?? []).slice(1).join(' ') })))],
      ),
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
  printResultRows('guard-cost', [
    { scenario: 'search-sync local: database work per batch of 1,000', unit: 'ms', raw, ours: median(ms.app), ratio: raw / median(ms.app) },
    { scenario: 'search-sync remote guard claim per batch (Algolia)', unit: 'ms', raw, ours: median(ms.guard), ratio: raw / median(ms.guard) },
  ]);
} finally {
  await cleanup();
}
