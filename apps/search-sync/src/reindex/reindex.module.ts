import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { SearchProviderModule } from '../providers/search-provider.module.js';
import { SyncModule } from '../sync/sync.module.js';
import { EventStoreClient } from './event-store.client.js';
import { ReindexController } from './reindex.controller.js';
import { ReindexJobsRepository } from './reindex-jobs.repository.js';
import { ReindexService } from './reindex.service.js';

/** Full reindex from the event store's history into a temporary index, swapped in atomically. */
@Module({
  imports: [AuditTrailModule, SearchProviderModule, SyncModule],
  controllers: [ReindexController],
  providers: [EventStoreClient, ReindexJobsRepository, ReindexService],
})
export class ReindexModule {}
