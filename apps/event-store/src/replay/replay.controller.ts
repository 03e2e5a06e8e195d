import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, auditActorHeader } from '@app/events';
import { EventReplayer, ReplayOutcome } from './event-replayer.service.js';
import { ReplayJobs } from './replay-jobs.service.js';
import type { ReplayJob } from './replay-jobs.service.js';
import { REPLAY_MAX_EVENTS, ReplayRequestDto } from './replay-request.dto.js';
import type { ReplayFilter } from './replay-filter.js';

export interface ReplayResponse extends ReplayOutcome {
  /** The filter as applied: the given fields plus `limit`. */
  filter: Record<string, unknown>;
}

/** `Prefer: respond-async` (RFC 7240) asks for a job rather than an answer at the end. */
const wantsJob = (prefer: string | undefined): boolean => (prefer ?? '').split(',').some((p) => p.trim().toLowerCase() === 'respond-async');

/**
 * `POST /events/replay` (admin key): re-delivers the stored events matching a filter (or one, by `id`) to one named
 * consumer app, oldest first; 200 with how many were queued. With `Prefer: respond-async` it runs
 * as a job instead: 202 with the job (and its `Location`), progress at `GET /events/replay/:jobId`,
 * cancelled by `DELETE /events/replay/:jobId`, listed by `GET /events/replay`. 400 for a bad filter or consumer name, 404 for a
 * consumer app that never ran, 503 when NATS is unreachable (all before a job starts).
 */
@Controller('events/replay')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class ReplayController {
  constructor(
    private readonly replayer: EventReplayer,
    private readonly jobs: ReplayJobs,
  ) {}

  @Post()
  @HttpCode(200)
  async replay(
    @Body() body: ReplayRequestDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('x-audit-actor') actorHeader: string | undefined,
    @Res({ passthrough: true }) res: { status(code: number): unknown; setHeader(name: string, value: string): unknown },
  ): Promise<ReplayResponse | ReplayJob> {
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
    const actor = auditActorHeader(actorHeader);
    const echo = Object.fromEntries(
      Object.entries({ ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString(), limit }).filter(([, v]) => v !== undefined),
    );
    if (wantsJob(prefer)) {
      await this.replayer.assertKnownConsumer(body.consumer);
      const job = this.jobs.start(body.consumer, filter, limit, echo, actor);
      res.status(202);
      res.setHeader('Location', `/events/replay/${job.jobId}`);
      return job;
    }
    const outcome = await this.replayer.replayTo(body.consumer, filter, limit, echo, actor);
    return { ...outcome, filter: echo };
  }

  /** The jobs this process keeps, newest first, so a console can show them without knowing their ids. */
  @Get()
  list(): { items: ReplayJob[] } {
    return { items: this.jobs.list() };
  }

  @Get(':jobId')
  job(@Param('jobId') jobId: string): ReplayJob {
    return this.jobs.get(jobId);
  }

  /** 200 with the job once it has stopped (after its current batch); 409 when it had already finished. */
  @Delete(':jobId')
  cancel(@Param('jobId') jobId: string): Promise<ReplayJob> {
    return this.jobs.cancel(jobId, 'admin-api');
  }
}
