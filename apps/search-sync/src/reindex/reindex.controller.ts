import { Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import type { ReindexJob } from './reindex-job.js';
import { ReindexQueryDto } from './reindex.query.js';
import { ReindexService } from './reindex.service.js';

/**
 * `POST /search/reindex?index=vendors` (admin key): starts a full rebuild from the event store's
 * history, 202 with the job and its `Location`; 404 for an index the mapping lacks, 409 while one
 * runs, 503 when the event store does not answer. `GET /search/reindex/:id`: its progress.
 */
@Controller('search/reindex')
@UseGuards(ApiKeyGuard)
export class ReindexController {
  constructor(private readonly reindex: ReindexService) {}

  @Post()
  @HttpCode(202)
  @ApiKey('admin')
  async start(@Query() query: ReindexQueryDto, @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown }): Promise<ReindexJob> {
    const job = await this.reindex.start(query.index);
    res.setHeader('Location', `/search/reindex/${job.id}`);
    return job;
  }

  @Get(':id')
  @ApiKey('when-configured')
  async status(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('No such reindex job: ids are UUIDs') })) id: string): Promise<ReindexJob> {
    const job = await this.reindex.get(id);
    if (!job) throw new NotFoundException(`No reindex job ${id}`);
    return job;
  }
}
