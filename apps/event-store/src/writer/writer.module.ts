import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { groupCommitMetrics, MetricsService } from '@app/events';
import { EventWriter } from './event-writer.js';
import { EventStoreHandler } from './event-store.handler.js';
import { dataSourceRowWriter } from './insert-events.sql.js';
import { MessagesModule } from '../messages/messages.module.js';

/** Consumer `event-store` → batched, idempotent inserts into `events` (ack after commit). */
@Module({
  imports: [MessagesModule],
  controllers: [EventStoreHandler],
  providers: [
    {
      provide: EventWriter,
      inject: [DataSource, MetricsService],
      useFactory: (ds: DataSource, metrics: MetricsService) => new EventWriter(dataSourceRowWriter(ds), groupCommitMetrics(metrics.registry)),
    },
  ],
  exports: [EventWriter],
})
export class WriterModule {}
