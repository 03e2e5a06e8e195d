import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

@Module({ imports: [AuditTrailModule], controllers: [TemplatesController], providers: [TemplatesService], exports: [TemplatesService] })
export class TemplatesModule {}
