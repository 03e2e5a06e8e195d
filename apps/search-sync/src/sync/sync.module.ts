import { Module } from '@nestjs/common';
import { groupCommitMetrics, MetricsService } from '@app/events';
import { SEARCH_SYNC_CONFIG, type SearchSyncConfig } from '../config/search-sync-env.js';
import { SearchProviderModule } from '../providers/search-provider.module.js';
import { IndexWriter } from './index-writer.js';
import { SearchSyncHandler } from './search-sync.handler.js';
import { SearchSyncMetrics } from './search-sync.metrics.js';
import { SyncApplier } from './sync-applier.js';

/**
 * Consumer `search-sync` → batched, order-guarded writes into the index (ack after the index
 * accepted). Batches are the transport's (a batch handler): at shutdown it lets the calls in flight
 * finish and hands back what it gathered, so nothing here needs flushing.
 */
@Module({
  imports: [SearchProviderModule],
  controllers: [SearchSyncHandler],
  providers: [
    SyncApplier,
    SearchSyncMetrics,
    {
      provide: IndexWriter,
      inject: [SyncApplier, SEARCH_SYNC_CONFIG, SearchSyncMetrics, MetricsService],
      useFactory: (applier: SyncApplier, cfg: SearchSyncConfig, metrics: SearchSyncMetrics, registry: MetricsService) => {
        const writer = new IndexWriter((ops) => applier.apply(ops), cfg.batchSize, groupCommitMetrics(registry.registry));
        metrics.watchBacklog(() => writer.backlog);
        return writer;
      },
    },
  ],
  exports: [IndexWriter, SyncApplier],
})
export class SyncModule {}
