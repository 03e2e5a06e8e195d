import { Body, Controller, Param, Patch, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { DEFAULT_RESOLVER, ResolveEventDto } from './dto/resolve-event.dto.js';
import { eventIdPipe } from './event-id.pipe.js';
import type { EventItem } from './event-item.js';
import { EventResolutionService } from './event-resolution.service.js';

/** Admin: mark error events resolved or not; each change is recorded as an `audit.*` event. */
@Controller('events')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class EventResolutionController {
  constructor(private readonly resolution: EventResolutionService) {}

  /** 200 with the event; 409 for an event that is not error-level. */
  @Patch(':id/resolve')
  resolve(@Param('id', eventIdPipe()) id: string, @Body() body?: ResolveEventDto): Promise<EventItem> {
    return this.resolution.resolve(id, body?.by ?? DEFAULT_RESOLVER);
  }

  @Patch(':id/unresolve')
  unresolve(@Param('id', eventIdPipe()) id: string, @Body() body?: ResolveEventDto): Promise<EventItem> {
    return this.resolution.unresolve(id, body?.by ?? DEFAULT_RESOLVER);
  }
}
