import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@app/events';
import { Counter, Gauge, Histogram } from 'prom-client';
import { SEARCH_PROVIDER, type SearchProvider } from '../providers/search-provider.js';

/** What became of a batch's operations. */
export interface BatchResult {
  /** Changed the index. */
  applied: number;
  /** Refused for good (dead-lettered). */
  refused: number;
}

/** search-sync's own Prometheus metrics, on the app's registry (`GET /metrics`). */
@Injectable()
export class SearchSyncMetrics {
  private readonly provider: string;
  private readonly batchSize: Histogram;
  private readonly batchSeconds: Histogram;
  private readonly operations: Counter;
  /** Read by the registry through its `collect`, at each scrape. */
  private readonly backlog: Gauge;
  private backlogOf: () => number = () => 0;

  constructor(metrics: MetricsService, @Inject(SEARCH_PROVIDER) provider: SearchProvider) {
    const registers = [metrics.registry];
    const read = () => this.backlogOf();
    this.provider = provider.name;
    this.batchSize = new Histogram({
      name: 'mesh_search_batch_operations',
      help: 'Operations per batch handed to the search index',
      labelNames: ['provider'],
      buckets: [1, 10, 50, 100, 250, 500, 750, 1000],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'mesh_search_batch_duration_seconds',
      help: 'From a batch leaving the batcher to the index accepting or refusing it, order guard included',
      labelNames: ['provider', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.operations = new Counter({
      name: 'mesh_search_operations_total',
      help: 'Index operations by result: applied; skipped (not newer than the last applied, or overtaken in its batch); refused',
      labelNames: ['provider', 'result'],
      registers,
    });
    this.backlog = new Gauge({
      name: 'mesh_search_backlog',
      help: 'Operations being sent to the index (events the transport is still gathering not counted)',
      labelNames: ['provider'],
      registers,
      collect() {
        this.set({ provider: provider.name }, read());
      },
    });
  }

  /** The batcher whose backlog the gauge reports. */
  watchBacklog(read: () => number): void {
    this.backlogOf = read;
  }

  batch(size: number, seconds: number, result: BatchResult | undefined): void {
    const provider = this.provider;
    this.batchSize.observe({ provider }, size);
    this.batchSeconds.observe({ provider, outcome: result ? 'accepted' : 'failed' }, seconds);
    if (!result) return;
    this.operations.inc({ provider, result: 'applied' }, result.applied);
    this.operations.inc({ provider, result: 'refused' }, result.refused);
    this.operations.inc({ provider, result: 'skipped' }, size - result.applied - result.refused);
  }
}
