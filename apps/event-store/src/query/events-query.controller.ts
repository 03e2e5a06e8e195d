import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { AuditQuery } from './dto/audit.query.js';
import { ListEventsQuery } from './dto/list-events.query.js';
import { StatsQuery } from './dto/stats.query.js';
import { TimelineQuery } from './dto/timeline.query.js';
import { LangQuery } from './dto/lang.query.js';
import { eventIdPipe } from './event-id.pipe.js';
import type { EventItem } from './event-item.js';
import { EventCatalogue, EventCatalogueService } from './event-catalogue.service.js';
import { EventStats, EventStatsService } from './event-stats.service.js';
import { EventPage, EventsQueryService, Timeline } from './events-query.service.js';

/** Read-only queries: open while ADMIN_API_KEY is unset, `X-Api-Key` required once it is. */
@Controller('events')
@UseGuards(ApiKeyGuard)
@ApiKey('when-configured')
export class EventsQueryController {
  constructor(
    private readonly events: EventsQueryService,
    private readonly stats: EventStatsService,
    private readonly catalogue: EventCatalogueService,
  ) {}

  // The fixed paths come before `:id`: routes match in declaration order, and `:id` would take `stats`.

  /** One resource's events, oldest first. */
  @Get('timeline')
  timeline(@Query() query: TimelineQuery): Promise<Timeline> {
    return this.events.timeline(query);
  }

  @Get('stats')
  readStats(@Query() query: StatsQuery): Promise<EventStats> {
    return this.stats.read(query);
  }

  /** Every type seen, with its registered JSON Schema where there is one. */
  @Get('schemas')
  schemas(): Promise<EventCatalogue> {
    return this.catalogue.read();
  }

  /** Every admin action, newest first, past ordinary retention (`AUDIT_RETENTION_DAYS`). */
  @Get('audit')
  audit(@Query() query: AuditQuery): Promise<EventPage> {
    return this.events.audit(query);
  }

  /** Newest first, filtered, a page at a time. */
  @Get()
  list(@Query() query: ListEventsQuery): Promise<EventPage> {
    return this.events.list(query);
  }

  @Get(':id')
  get(@Param('id', eventIdPipe()) id: string, @Query() query: LangQuery): Promise<EventItem> {
    return this.events.get(id, query.lang);
  }
}
