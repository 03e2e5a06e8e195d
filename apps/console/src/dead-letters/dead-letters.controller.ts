import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, type RedriveReport, type StoredDeadLetter, StrictIntPipe } from '@app/events';
import { DeadLetterFilterDto, ListDeadLettersQuery, RedriveDto } from './dead-letters.dto.js';
import { DeadLetterList, DeadLettersService } from './dead-letters.service.js';

// `?? undefined`: IsOptional lets null through, and null means "not given" here.
const filterOf = (dto: DeadLetterFilterDto) => ({ consumer: dto.consumer ?? undefined, type: dto.type ?? undefined });

/**
 * `EVENTS_DLQ` for the page: reads need the key once one is set; redrive and purge always need it.
 */
@Controller('api/dead-letters')
@UseGuards(ApiKeyGuard)
export class DeadLettersController {
  constructor(private readonly letters: DeadLettersService) {}

  /** The newest letters matching `consumer` / `type`, and the depth per consumer. */
  @Get()
  @ApiKey('when-configured')
  list(@Query() query: ListDeadLettersQuery): Promise<DeadLetterList> {
    return this.letters.list(filterOf(query), query.limit);
  }

  @Get(':seq')
  @ApiKey('when-configured')
  show(@Param('seq', new StrictIntPipe(1, Number.MAX_SAFE_INTEGER)) seq: number): Promise<StoredDeadLetter> {
    return this.letters.show(seq);
  }

  /** Back to the consumer that failed them, and to no other; then removed from the DLQ. */
  @Post('redrive')
  @HttpCode(200)
  @ApiKey('admin')
  redrive(@Body() body: RedriveDto): Promise<RedriveReport> {
    return this.letters.redrive(body.all ? 'all' : body.seqs!, filterOf(body));
  }

  /** Removes the letters matching the filter (every letter without one). */
  @Post('purge')
  @HttpCode(200)
  @ApiKey('admin')
  purge(@Body() body?: DeadLetterFilterDto): Promise<{ purged: number }> {
    return this.letters.purge(filterOf(body ?? {}));
  }
}
