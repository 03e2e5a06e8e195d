import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { EventReplayer } from './event-replayer.service.js';
import { ReplayController } from './replay.controller.js';
import { ReplayJobs } from './replay-jobs.service.js';
import { StoredEventsReader } from './stored-events.reader.js';

/** `POST /events/replay`: stored events back to one consumer app, at once or as a job (see ReplayController). */
@Module({
  imports: [AuditTrailModule],
  controllers: [ReplayController],
  providers: [StoredEventsReader, EventReplayer, ReplayJobs],
})
export class ReplayModule {}
