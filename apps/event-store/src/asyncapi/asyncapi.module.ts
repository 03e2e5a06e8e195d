import { Module } from '@nestjs/common';
import { EventCatalogueRepository } from '../query/event-catalogue.repository.js';
import { EventCatalogueService } from '../query/event-catalogue.service.js';
import { AsyncApiController } from './asyncapi.controller.js';
import { AsyncApiService } from './asyncapi.service.js';

/** `GET /events/asyncapi.json`. Imported before QueryModule, whose `GET /events/:id` would take the path. */
@Module({ controllers: [AsyncApiController], providers: [EventCatalogueRepository, EventCatalogueService, AsyncApiService] })
export class AsyncApiModule {}
