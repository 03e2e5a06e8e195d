import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SEARCH_SYNC_CONFIG, type SearchSyncConfig } from '../config/search-sync-env.js';
import { AlgoliaSearchProvider } from './algolia/algolia.provider.js';
import { LocalSearchProvider } from './local/local.provider.js';
import { SEARCH_PROVIDER, type SearchProvider } from './search-provider.js';

/** Picks the adapter the configuration names; an unknown name stops start-up instead of falling back. */
export function createSearchProvider(cfg: SearchSyncConfig, dataSource: DataSource): SearchProvider {
  switch (cfg.provider) {
    case 'algolia':
      if (!cfg.algolia) throw new Error('The algolia search provider needs ALGOLIA_APP_ID and ALGOLIA_API_KEY');
      return new AlgoliaSearchProvider(cfg.algolia);
    case 'local':
      return new LocalSearchProvider(dataSource);
    default:
      throw new Error(`Unknown search provider "${String(cfg.provider satisfies never)}": use algolia or local`);
  }
}

/** The search index behind the {@link SearchProvider} port. */
@Module({
  providers: [{ provide: SEARCH_PROVIDER, inject: [SEARCH_SYNC_CONFIG, DataSource], useFactory: createSearchProvider }],
  exports: [SEARCH_PROVIDER],
})
export class SearchProviderModule {}
