import { DynamicModule, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions } from '@app/events';
import { StoredEvent } from './store/stored-event.entity.js';
import { CreateEvents1734000000000 } from './store/migrations/1734000000000-create-events.js';
import { TextEventIds1764700000000 } from './store/migrations/1764700000000-text-event-ids.js';
import { EventSummaries1764700001000 } from './store/migrations/1764700001000-event-summaries.js';
import { KeysetFilterIndexes1764700002000 } from './store/migrations/1764700002000-keyset-filter-indexes.js';
import { DailyRollup1764700003000 } from './store/migrations/1764700003000-daily-rollup.js';
import { PartitionsModule } from './partitions/partitions.module.js';
import { TimePartitions1764700004000 } from './store/migrations/1764700004000-time-partitions.js';
import { CoveringTimeIndex1764700005000 } from './store/migrations/1764700005000-covering-time-index.js';
import { OrderedSummaryRebuild1764700006000 } from './store/migrations/1764700006000-ordered-summary-rebuild.js';
import { CausationIndex1765000700000 } from './store/migrations/1765000700000-causation-index.js';
import { AuditEvents1765000701000 } from './store/migrations/1765000701000-audit-events.js';
import { WriterModule } from './writer/writer.module.js';
import { writerConfig } from './writer/writer-config.js';
import { QueryModule } from './query/query.module.js';
import { GraphModule } from './graph/graph.module.js';
import { AsyncApiModule } from './asyncapi/asyncapi.module.js';
import { IngestModule } from './ingest/ingest.module.js';
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
          database: { entities: [StoredEvent], migrations: [CreateEvents1734000000000, TextEventIds1764700000000, EventSummaries1764700001000, KeysetFilterIndexes1764700002000, DailyRollup1764700003000, TimePartitions1764700004000, CoveringTimeIndex1764700005000, OrderedSummaryRebuild1764700006000, CausationIndex1765000700000, AuditEvents1765000701000] },
        }),
        EventsHealthModule,
        WriterModule,
        // Before QueryModule: Nest matches routes in registration order, and `GET /events/:id` would take `GET /events/replay`.
        ReplayModule,
        AsyncApiModule,
        QueryModule,
        GraphModule,
        IngestModule,
        PartitionsModule,
        RetentionModule,
      ],
    };
  }
}
