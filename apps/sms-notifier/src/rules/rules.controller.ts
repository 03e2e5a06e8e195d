import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, edgeError, UuidPipe } from '@app/events';
import { CreateRuleDto } from './dto/create-rule.dto.js';
import { UpdateRuleDto } from './dto/update-rule.dto.js';
import { RulesService } from './rules.service.js';
import type { SmsRule } from './sms-rule.entity.js';

/** `/sms/rules` (admin key): which events send which template to whom. */
@Controller('sms/rules')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  list(): Promise<SmsRule[]> {
    return this.rules.list();
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string): Promise<SmsRule> {
    return this.rules.get(id);
  }

  /** 201; 400 naming each bad field (pattern, condition, missing template, duplicate name). */
  @Post()
  create(@Body() body: CreateRuleDto): Promise<SmsRule> {
    return this.rules.create(body);
  }

  @Patch(':id')
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateRuleDto): Promise<SmsRule> {
    if (Object.values(body).every((v) => v === undefined)) throw edgeError(400, ['the body changes nothing: send at least one field of the rule'], 'body');
    return this.rules.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', UuidPipe) id: string): Promise<void> {
    return this.rules.remove(id);
  }
}
