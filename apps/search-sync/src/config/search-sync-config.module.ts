import { DynamicModule, Module } from '@nestjs/common';
import { loadMapping } from '../mapping/mapping-loader.js';
import { RecordBuilder } from '../mapping/record-builder.js';
import { SEARCH_SYNC_CONFIG, searchSyncConfigFromEnv, type SearchSyncConfig } from './search-sync-env.js';

/** The validated search-sync configuration and the mapping it names, for every module of the app. */
@Module({})
export class SearchSyncConfigModule {
  static forRoot(overrides: Partial<SearchSyncConfig> = {}): DynamicModule {
    return {
      module: SearchSyncConfigModule,
      global: true,
      providers: [
        // Validated while the app is built: a bad variable or mapping file stops start-up naming it.
        { provide: SEARCH_SYNC_CONFIG, useFactory: (): SearchSyncConfig => ({ ...searchSyncConfigFromEnv(), ...overrides }) },
        { provide: RecordBuilder, inject: [SEARCH_SYNC_CONFIG], useFactory: (cfg: SearchSyncConfig) => new RecordBuilder(loadMapping(cfg.mappingFile)) },
      ],
      exports: [SEARCH_SYNC_CONFIG, RecordBuilder],
    };
  }
}
