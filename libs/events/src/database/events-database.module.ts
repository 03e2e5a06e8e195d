import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENTS_CONFIG } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { createMeshDataSource, meshDataSourceOptions, type MeshDatabaseOptions } from './mesh-data-source.js';

/**
 * The app's PostgreSQL DataSource (TypeORM), migrations run under an advisory lock at start-up.
 * Its own module so the database concern stays apart from the bus; `EventsModule` imports it.
 * TypeORM's DataSource is global, so every module of the app can inject it.
 * @example
 * imports: [EventsDatabaseModule.forRoot(eventsConfigModule, { migrations: [CreateVendors1765000000000] })] // eventsConfigModule provides EVENTS_CONFIG
 */
@Module({})
export class EventsDatabaseModule {
  /** `config` provides EVENTS_CONFIG (the URL); `database` is given up front because TypeORM needs the entities when the module is built. */
  static forRoot(config: DynamicModule, database?: MeshDatabaseOptions): DynamicModule {
    return {
      module: EventsDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [config],
          inject: [EVENTS_CONFIG],
          useFactory: (cfg: EventsConfig) => meshDataSourceOptions(cfg.databaseUrl, database),
          dataSourceFactory: async (opts) => createMeshDataSource(opts!),
        }),
      ],
    };
  }
}
