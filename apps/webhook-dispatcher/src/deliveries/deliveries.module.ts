import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DeliveriesQueryRepository } from './deliveries-query.repository.js';
import { DeliveriesService } from './deliveries.service.js';

/** `GET /webhooks/deliveries`, re-send and recover. */
@Module({
  imports: [AuditTrailModule, DeliveryModule],
  controllers: [DeliveriesController],
  providers: [DeliveriesQueryRepository, DeliveriesService],
})
export class DeliveriesModule {}
