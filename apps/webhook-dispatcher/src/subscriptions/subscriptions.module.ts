import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { UrlGuard } from '../ssrf/url-guard.js';
import { SubscriptionsController } from './subscriptions.controller.js';
import { SubscriptionsService } from './subscriptions.service.js';

@Module({
  imports: [AuditTrailModule],
  controllers: [SubscriptionsController],
  providers: [SubscriptionsService, UrlGuard],
  exports: [SubscriptionsService, UrlGuard],
})
export class SubscriptionsModule {}
