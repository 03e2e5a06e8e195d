import { Controller, type MessageEvent, Query, Sse, UseGuards } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { LiveTailQuery } from './live-tail.query.js';
import { LiveTailService } from './live-tail.service.js';

/** `GET /api/live?pattern=vendor.*`: text/event-stream of the events on the bus, as they are published. */
@Controller('api/live')
@UseGuards(ApiKeyGuard)
@ApiKey('when-configured')
export class LiveController {
  constructor(private readonly live: LiveTailService) {}

  @Sse()
  tail(@Query() query: LiveTailQuery): Observable<MessageEvent> {
    return this.live.tail(query.pattern);
  }
}
