import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { TemplatesModule } from '../templates/templates.module.js';
import { RulesController } from './rules.controller.js';
import { RulesService } from './rules.service.js';

@Module({ imports: [AuditTrailModule, TemplatesModule], controllers: [RulesController], providers: [RulesService], exports: [RulesService] })
export class RulesModule {}
