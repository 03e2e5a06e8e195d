import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { RateQuery } from './dto/rate.query.js';
import { EventRateService } from './event-rate.service.js';
import type { EventRate } from './glance.types.js';

/** `GET /events/rate?minutes=60`: events and errors per minute, for the console's Overview sparkline. */
@Controller('events/rate')
@UseGuards(ApiKeyGuard)
@ApiKey('when-configured')
export class EventRateController {
  constructor(private readonly rate: EventRateService) {}

  @Get()
  read(@Query() query: RateQuery): Promise<EventRate> {
    return this.rate.read(query.minutes);
  }
}
