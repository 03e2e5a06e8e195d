import { Module } from '@nestjs/common';
import { RETENTION_CONFIG, retentionConfigFromEnv } from './event-store-env.js';
import { RetentionService } from './retention.service.js';

/** Moves old days of events to `events_archive` and prunes it on a schedule (EVENT_RETENTION_DAYS, EVENT_ARCHIVE_DAYS, EVENT_RETENTION_INTERVAL). */
@Module({
  // Validated when the app starts: a bad EVENT_RETENTION_* stops it with the variable's name.
  providers: [{ provide: RETENTION_CONFIG, useFactory: () => retentionConfigFromEnv() }, RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
