import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { eventIdPipe } from '../query/event-id.pipe.js';
import type { Trace } from './causation-tree.js';
import { TraceService } from './trace.service.js';

/** A read like the other queries: open while ADMIN_API_KEY is unset, `X-Api-Key` required once it is. */
@Controller('events')
@UseGuards(ApiKeyGuard)
@ApiKey('when-configured')
export class TraceController {
  constructor(private readonly traces: TraceService) {}

  /** The tree of events caused by `:id` (causation links), each with its offset from the root and from its cause. */
  @Get(':id/trace')
  trace(@Param('id', eventIdPipe()) id: string): Promise<Trace> {
    return this.traces.trace(id);
  }
}
