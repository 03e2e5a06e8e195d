import { Module } from '@nestjs/common';
import { AuditPublisher } from './audit.publisher.js';

@Module({ providers: [AuditPublisher], exports: [AuditPublisher] })
export class AuditModule {}
