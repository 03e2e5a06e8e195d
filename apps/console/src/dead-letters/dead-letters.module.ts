import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { DeadLettersController } from './dead-letters.controller.js';
import { DeadLettersService } from './dead-letters.service.js';

@Module({ imports: [AuditTrailModule], controllers: [DeadLettersController], providers: [DeadLettersService] })
export class DeadLettersModule {}
