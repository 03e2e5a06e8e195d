import { Module } from '@nestjs/common';
import { DeliveryRetentionService } from './delivery-retention.service.js';

/** Deletes settled deliveries and their log after WEBHOOK_RETENTION_DAYS. */
@Module({ providers: [DeliveryRetentionService], exports: [DeliveryRetentionService] })
export class RetentionModule {}
