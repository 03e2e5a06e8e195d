import { Inject, Module, BeforeApplicationShutdown } from '@nestjs/common';
import { groupCommitMetrics, MetricsService } from '@app/events';
import { SEARCH_SYNC_CONFIG, type SearchSyncConfig } from '../config/search-sync-env.js';
import { SearchProviderModule } from '../providers/search-provider.module.js';
import { SearchSyncHandler } from './search-sync.handler.js';
import { SearchSyncMetrics } from './search-sync.metrics.js';
import { SyncApplier } from './sync-applier.js';
import { SyncBatcher } from './sync-batcher.js';

/** Consumer `search-sync` → batched, order-guarded writes into the index (ack after the index accepted). */
@Module({
  imports: [SearchProviderModule],
  controllers: [SearchSyncHandler],
  providers: [
    SyncApplier,
    SearchSyncMetrics,
    {
      provide: SyncBatcher,
      inject: [SyncApplier, SEARCH_SYNC_CONFIG, SearchSyncMetrics, MetricsService],
      useFactory: (applier: SyncApplier, cfg: SearchSyncConfig, metrics: SearchSyncMetrics, registry: MetricsService) => {
        const options = { maxBatch: cfg.batchSize, flushIntervalMs: cfg.flushIntervalMs, maxInFlight: cfg.maxInFlight };
        const batcher = new SyncBatcher((ops) => applier.apply(ops), options, groupCommitMetrics(registry.registry));
        metrics.watchBacklog(() => batcher.backlog);
        return batcher;
      },
    },
  ],
  exports: [SyncBatcher, SyncApplier],
})
export class SyncModule implements BeforeApplicationShutdown {
  constructor(@Inject(SyncBatcher) private readonly batcher: SyncBatcher) {}

  beforeApplicationShutdown(): void {
    this.batcher.flush();
  }
}
