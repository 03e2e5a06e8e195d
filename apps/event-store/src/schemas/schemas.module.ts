import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { SchemasController } from './schemas.controller.js';
import { SchemasService } from './schemas.service.js';

/** `POST /events/schemas`: custom event types defined over the API, stored in the `event-schemas` bucket. */
@Module({
  imports: [AuditTrailModule],
  controllers: [SchemasController],
  providers: [SchemasService],
})
export class SchemasModule {}
