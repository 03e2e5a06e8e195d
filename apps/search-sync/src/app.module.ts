import { DynamicModule, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions, ServerLoggingModule } from '@app/events';
import { consumerConfig } from './config/consumer-config.js';
import { SearchSyncConfigModule } from './config/search-sync-config.module.js';
import type { SearchSyncConfig } from './config/search-sync-env.js';
import { SearchProviderHealthIndicator } from './health/search-provider.health.js';
import { SearchProviderModule } from './providers/search-provider.module.js';
import { ReindexModule } from './reindex/reindex.module.js';
import { SearchModule } from './search/search.module.js';
import { CreateSearchSync1735000000000 } from './store/migrations/1735000000000-create-search-sync.js';
import { GuardOnDocuments1765100000000 } from './store/migrations/1765100000000-guard-on-documents.js';
import { SyncModule } from './sync/sync.module.js';

export const SERVICE_NAME = 'search-sync';

export interface SearchSyncAppOptions {
  /** Overrides of the event path's environment (a test's nats-server and database). */
  events?: EventsModuleOptions['config'];
  /** Overrides of search-sync's own environment (a test's Algolia stand-in). */
  search?: Partial<SearchSyncConfig>;
}

/** Keeps search indexes in step with resource events (consumer `search-sync`), serves `/search` and reindexes. */
@Module({})
export class AppModule {
  static forRoot(options: SearchSyncAppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventsModule.forConsumer({
          service: SERVICE_NAME,
          consumer: SERVICE_NAME,
          config: consumerConfig(options.events),
          database: { migrations: [CreateSearchSync1735000000000, GuardOnDocuments1765100000000] },
        }),
        SearchSyncConfigModule.forRoot(options.search),
        // Request events (http.request_*) when ENABLE_SERVER_LOGGING is on; HTTP only, the consumer's handlers never pass through it.
        ServerLoggingModule.forRoot(),
        EventsHealthModule.forRoot({ imports: [SearchProviderModule, SyncModule], contributors: [SearchProviderHealthIndicator] }),
        SearchProviderModule,
        SyncModule,
        SearchModule,
        ReindexModule,
      ],
    };
  }
}
