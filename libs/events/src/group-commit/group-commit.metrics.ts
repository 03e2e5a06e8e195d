import { Histogram, type Registry } from 'prom-client';
import type { BatchReport } from './group-commit.options.js';

const BATCH_ITEMS = 'mesh_group_commit_batch_items';
const WAIT_SECONDS = 'mesh_group_commit_wait_seconds';

/** Reuses the histogram when another commit of the app registered it already (a name may be registered once). */
function histogram(registry: Registry, name: string, help: string, buckets: number[], labelNames: string[]): Histogram {
  return (registry.getSingleMetric(name) as Histogram | undefined) ?? new Histogram({ name, help, buckets, labelNames, registers: [registry] });
}

/**
 * An `onBatch` callback recording batch sizes and waits on an app's registry (MetricsService's),
 * labelled with the commit's name, so every group commit of an app shows on `GET /metrics`.
 *
 * @example
 * new GroupCommit({ name: 'rows', maxBatch: 500, maxInFlight: 2, onBatch: groupCommitMetrics(metrics.registry) }, write);
 */
export function groupCommitMetrics(registry: Registry): (report: BatchReport) => void {
  const size = histogram(registry, BATCH_ITEMS, 'Items per group-commit write, by outcome', [1, 10, 50, 100, 250, 500, 1000], ['commit', 'outcome']);
  const wait = histogram(
    registry,
    WAIT_SECONDS,
    'How long the oldest item of a group-commit write waited for it to start',
    [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    ['commit'],
  );
  return (r) => {
    size.observe({ commit: r.name, outcome: r.outcome }, r.size);
    wait.observe({ commit: r.name }, r.waitMs / 1000);
  };
}
