import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { EventReplayer } from './event-replayer.service.js';
import { ReplayController } from './replay.controller.js';
import { StoredEventsReader } from './stored-events.reader.js';

/** `POST /events/replay`: stored events back to one consumer app (see ReplayController). */
@Module({
  imports: [AuditModule],
  controllers: [ReplayController],
  providers: [StoredEventsReader, EventReplayer],
})
export class ReplayModule {}
