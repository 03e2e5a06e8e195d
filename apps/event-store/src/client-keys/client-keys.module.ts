import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditTrailModule } from '@app/events';
import { ingestEnv } from '../ingest/ingest-env.js';
import { IngestModule } from '../ingest/ingest.module.js';
import { ClientIngestController } from './client-ingest.controller.js';
import { ClientIngestService } from './client-ingest.service.js';
import { ClientKeysController } from './client-keys.controller.js';
import { ClientKeysRepository } from './client-keys.repository.js';

/** Browser ingest: public client keys (admin API) and `POST /events/client`, which publishes through the ingest's IngestService. */
@Module({
  imports: [ConfigModule.forFeature(ingestEnv), AuditTrailModule, IngestModule],
  controllers: [ClientKeysController, ClientIngestController],
  providers: [ClientKeysRepository, ClientIngestService],
})
export class ClientKeysModule {}
