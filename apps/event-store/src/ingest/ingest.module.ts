import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditTrailModule } from '@app/events';
import { ingestEnv } from './ingest-env.js';
import { IngestController } from './ingest.controller.js';
import { IngestService } from './ingest.service.js';

/** `POST /events` and `POST /events/batch`: HTTP ingest through `EventsService` (see IngestController). */
@Module({
  imports: [ConfigModule.forFeature(ingestEnv), AuditTrailModule],
  controllers: [IngestController],
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}
