import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { OptOutsAdminService } from './opt-outs-admin.service.js';
import { OptOutsController } from './opt-outs.controller.js';
import { OptOutsRepository } from './opt-outs.repository.js';

@Module({ imports: [AuditTrailModule], controllers: [OptOutsController], providers: [OptOutsRepository, OptOutsAdminService], exports: [OptOutsRepository] })
export class OptOutsModule {}
