import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, type Audience } from '@app/events';
import { RerenderDto, SaveTemplateDto, TemplateParams } from './dto/save-template.dto.js';
import type { ListedTemplate } from './message-template.js';
import { TemplatesService } from './templates.service.js';

/** Admin: the sentences of each event type and audience, in Persian and English. Changes are audited. */
@Controller('events/templates')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  list(@Query('type') type?: string): Promise<{ items: ListedTemplate[] }> {
    return this.templates.list(type);
  }

  /** Renders the stored events again (after a change); `type` narrows it to a type or pattern. */
  @Post('rerender')
  @HttpCode(200)
  rerender(@Body() body?: RerenderDto): Promise<{ updated: number }> {
    return this.templates.rerender(body?.type, body?.by);
  }

  @Put(':type/:audience')
  save(@Param() params: TemplateParams, @Body() body: SaveTemplateDto): Promise<ListedTemplate> {
    return this.templates.save(params.type, params.audience as Audience, body);
  }

  @Delete(':type/:audience')
  @HttpCode(204)
  async reset(@Param() params: TemplateParams, @Query('by') by?: string): Promise<void> {
    await this.templates.reset(params.type, params.audience as Audience, by);
  }
}
