import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { DEFAULT_RESOLVER } from './dto/resolve-event.dto.js';
import { ResolveErrorGroupDto } from './dto/error-groups.dto.js';
import { ErrorGroupsService } from './error-groups.service.js';
import type { ErrorGroupList } from './glance.types.js';

/**
 * `GET /events/errors/groups`: unresolved errors by type and message, newest group first, with
 * counts and first/last seen. `POST /events/errors/groups/resolve` (admin): resolves one group.
 */
@Controller('events/errors/groups')
@UseGuards(ApiKeyGuard)
export class ErrorGroupsController {
  constructor(private readonly groups: ErrorGroupsService) {}

  @Get()
  @ApiKey('when-configured')
  list(): Promise<ErrorGroupList> {
    return this.groups.list();
  }

  @Post('resolve')
  @HttpCode(200)
  @ApiKey('admin')
  resolve(@Body() body: ResolveErrorGroupDto): Promise<{ resolved: number }> {
    return this.groups.resolve(body.type, body.message, body.until, body.by ?? DEFAULT_RESOLVER);
  }
}
