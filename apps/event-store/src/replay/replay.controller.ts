import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { EventReplayer, ReplayOutcome } from './event-replayer.service.js';
import { REPLAY_MAX_EVENTS, ReplayRequestDto } from './replay-request.dto.js';
import type { ReplayFilter } from './replay-filter.js';

export interface ReplayResponse extends ReplayOutcome {
  /** The filter as applied: the given fields plus `limit`. */
  filter: Record<string, unknown>;
}

/**
 * `POST /events/replay` (admin key): re-delivers the stored events matching a filter (or one, by `id`) to one named
 * consumer app, oldest first; 200 with how many were queued. 400 for a bad filter or consumer name,
 * 404 for a consumer app that never ran, 503 when NATS is unreachable.
 */
@Controller('events')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class ReplayController {
  constructor(private readonly replayer: EventReplayer) {}

  @Post('replay')
  @HttpCode(200)
  async replay(@Body() body: ReplayRequestDto): Promise<ReplayResponse> {
    const filter: ReplayFilter = {
      // `?? undefined`: IsOptional lets null through, and null means "not given" here.
      id: body.id ?? undefined,
      type: body.type ?? undefined,
      resourceType: body.resourceType ?? undefined,
      resourceId: body.resourceId ?? undefined,
      from: body.from === undefined ? undefined : new Date(body.from),
      to: body.to === undefined ? undefined : new Date(body.to),
    };
    const limit = body.limit ?? REPLAY_MAX_EVENTS;
    const echo = Object.fromEntries(
      Object.entries({ ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString(), limit }).filter(([, v]) => v !== undefined),
    );
    const outcome = await this.replayer.replayTo(body.consumer, filter, limit, echo);
    return { ...outcome, filter: echo };
  }
}
