import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { groupCommitMetrics, MetricsService } from '@app/events';
import { EventBatcher } from './event-batcher.js';
import { EventStoreHandler } from './event-store.handler.js';
import { dataSourceRowWriter } from './insert-events.sql.js';
import { MessagesModule } from '../messages/messages.module.js';

/** Consumer `event-store` → batched, idempotent inserts into `events` (ack after commit). */
@Module({
  imports: [MessagesModule],
  controllers: [EventStoreHandler],
  providers: [
    {
      provide: EventBatcher,
      inject: [DataSource, MetricsService],
      useFactory: (ds: DataSource, metrics: MetricsService) => new EventBatcher(dataSourceRowWriter(ds), {}, groupCommitMetrics(metrics.registry)),
    },
  ],
  exports: [EventBatcher],
})
export class WriterModule {}
