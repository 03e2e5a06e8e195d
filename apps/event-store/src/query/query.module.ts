import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@app/events';
import { MessagesModule } from '../messages/messages.module.js';
import { EventsQueryController } from './events-query.controller.js';
import { EventResolutionController } from './event-resolution.controller.js';
import { EventsRepository } from './events.repository.js';
import { EventStatsRepository } from './event-stats.repository.js';
import { EventCatalogueRepository } from './event-catalogue.repository.js';
import { EventsQueryService } from './events-query.service.js';
import { EventStatsService } from './event-stats.service.js';
import { EventCatalogueService } from './event-catalogue.service.js';
import { EventResolutionService } from './event-resolution.service.js';
import { ErrorGroupsController } from './error-groups.controller.js';
import { ErrorGroupsService } from './error-groups.service.js';
import { EventRateController } from './event-rate.controller.js';
import { EventRateService } from './event-rate.service.js';

/** The query API: `GET /events` (filters, keyset pages), `/:id`, `/timeline`, `/stats`, `/schemas`; `PATCH /:id/resolve|unresolve`; `/errors/groups` and resolving one; `/rate` per minute. */
@Module({
  imports: [AuditTrailModule, MessagesModule],
  // Fixed paths (errors/groups, rate) before the query controller's `:id`.
  controllers: [ErrorGroupsController, EventRateController, EventsQueryController, EventResolutionController],
  providers: [EventsRepository, EventStatsRepository, EventCatalogueRepository, EventsQueryService, EventStatsService, EventCatalogueService, EventResolutionService, ErrorGroupsService, EventRateService],
})
export class QueryModule {}
