import { Module } from '@nestjs/common';
import { TemplatesModule } from '../templates/templates.module.js';
import { RulesController } from './rules.controller.js';
import { RulesService } from './rules.service.js';

@Module({ imports: [TemplatesModule], controllers: [RulesController], providers: [RulesService], exports: [RulesService] })
export class RulesModule {}
