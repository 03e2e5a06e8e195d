import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, AuditExempt } from '@app/events';
import { SaveTemplateDto } from './dto/save-template.dto.js';
import { PreviewTemplateDto } from './dto/preview-template.dto.js';
import { TemplateKeyParams, TemplateParams } from './dto/template.params.js';
import type { SmsTemplate } from './sms-template.entity.js';
import { TemplatePreview, TemplatesService } from './templates.service.js';

/** `/sms/templates` (admin key): the texts rules send, one per key and locale. */
@Controller('sms/templates')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  list(): Promise<SmsTemplate[]> {
    return this.templates.list();
  }

  /** Every locale of one key. */
  @Get(':key')
  byKey(@Param() { key }: TemplateKeyParams): Promise<SmsTemplate[]> {
    return this.templates.byKey(key);
  }

  /** 201 when created, 200 when replaced; 400 naming a placeholder the sample data lacks. */
  @Put(':key/:locale')
  async save(@Param() { key, locale }: TemplateParams, @Body() body: SaveTemplateDto, @Res({ passthrough: true }) res: { status(code: number): unknown }): Promise<SmsTemplate> {
    const { template, created } = await this.templates.save(key, locale, body.body, body.sampleData);
    res.status(created ? 201 : 200);
    return template;
  }

  @Delete(':key/:locale')
  @HttpCode(204)
  remove(@Param() { key, locale }: TemplateParams): Promise<void> {
    return this.templates.remove(key, locale);
  }

  /** Rendered text per locale with its encoding (GSM-7 or UCS-2) and segment count. */
  @Post(':key/preview')
  @HttpCode(200)
  @AuditExempt('renders the text with the given data; stores nothing')
  preview(@Param() { key }: TemplateKeyParams, @Body() body: PreviewTemplateDto): Promise<TemplatePreview[]> {
    return this.templates.preview(key, body.locale, body.data);
  }
}
