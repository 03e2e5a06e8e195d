import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { AsyncApiService } from './asyncapi.service.js';

/** A read like the other queries: open while ADMIN_API_KEY is unset, `X-Api-Key` required once it is. */
@Controller('events')
@UseGuards(ApiKeyGuard)
@ApiKey('when-configured')
export class AsyncApiController {
  constructor(private readonly asyncapi: AsyncApiService) {}

  /** AsyncAPI 3.0 of every event type (with its registered schema), the DLQ and replay channels and the streams. */
  @Get('asyncapi.json')
  document(): Promise<Record<string, unknown>> {
    return this.asyncapi.document();
  }
}
