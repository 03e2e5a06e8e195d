import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { EventTemplatesRepository } from './event-templates.repository.js';
import { MessageRenderer } from './message-renderer.service.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

/** Event sentences: the templates (defaults and `/events/templates`), the renderer the writer and the reads use, re-rendering. */
@Module({
  imports: [AuditTrailModule],
  controllers: [TemplatesController],
  providers: [EventTemplatesRepository, MessageRenderer, TemplatesService],
  exports: [MessageRenderer],
})
export class MessagesModule {}
