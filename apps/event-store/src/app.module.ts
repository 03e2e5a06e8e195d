import { DynamicModule, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions, ServerLoggingModule } from '@app/events';
import { StoredEvent } from './store/stored-event.entity.js';
import { EVENT_STORE_MIGRATIONS } from './store/migrations/index.js';
import { PartitionsModule } from './partitions/partitions.module.js';
import { WriterModule } from './writer/writer.module.js';
import { writerConfig } from './writer/writer-config.js';
import { MessagesModule } from './messages/messages.module.js';
import { FeedModule } from './feed/feed.module.js';
import { QueryModule } from './query/query.module.js';
import { GraphModule } from './graph/graph.module.js';
import { AsyncApiModule } from './asyncapi/asyncapi.module.js';
import { SchemasModule } from './schemas/schemas.module.js';
import { IngestModule } from './ingest/ingest.module.js';
import { ClientKeysModule } from './client-keys/client-keys.module.js';
import { ReplayModule } from './replay/replay.module.js';
import { RetentionModule } from './retention/retention.module.js';

export const SERVICE_NAME = 'event-store';

export type EventStoreConfig = EventsModuleOptions['config'];

/** The durable history of every event: the writer (consumer `event-store`) and the query, ingest and replay API. */
@Module({})
export class AppModule {
  /**
   * `consumer`: the durable's name, `event-store` unless a bench on a shared nats-server needs one
   * of its own (the live mesh's `event-store` durable must not be touched).
   */
  static forRoot(config?: EventStoreConfig, { consumer = SERVICE_NAME }: { consumer?: string } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventsModule.forConsumer({
          service: SERVICE_NAME,
          consumer,
          config: writerConfig(config),
          database: { entities: [StoredEvent], migrations: EVENT_STORE_MIGRATIONS },
        }),
        EventsHealthModule,
        // Request events (http.request_*) when ENABLE_SERVER_LOGGING is on: a middleware, so the
        // writer's event handlers do not pass through it. An ingest request yields its own events
        // and one request event, which the writer stores; storing starts no request, so nothing loops.
        ServerLoggingModule.forRoot(),
        WriterModule,
        // Before QueryModule: Nest matches routes in registration order, and `GET /events/:id` would take `GET /events/replay`.
        ReplayModule,
        // Before QueryModule too, for `GET /events/client-keys`.
        ClientKeysModule,
        MessagesModule,
        FeedModule,
        AsyncApiModule,
        QueryModule,
        GraphModule,
        SchemasModule,
        IngestModule,
        PartitionsModule,
        RetentionModule,
      ],
    };
  }
}
