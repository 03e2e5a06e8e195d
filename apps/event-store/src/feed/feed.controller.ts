import { Controller, Get, Headers, Query } from '@nestjs/common';
import { FeedQuery } from './feed.query.js';
import { FeedPage, FeedService } from './feed.service.js';

/** The user-facing feed: no admin key, a per-user token signed by the product that shows it. */
@Controller('events/feed')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get()
  read(@Query() query: FeedQuery, @Headers('authorization') authorization?: string): Promise<FeedPage> {
    const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    return this.feed.read(query, token);
  }
}
