import { BadRequestException, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { toE164 } from '../phone/phone-number.js';
import { PhoneParams } from './dto/opt-out.params.js';
import { PageQuery } from '../common/page.query.js';
import type { OptOut } from './opt-out.entity.js';
import { OptOutsRepository } from './opt-outs.repository.js';
import { OptOutsAdminService } from './opt-outs-admin.service.js';

/** `/sms/opt-outs` (admin key): the numbers nothing is sent to. Inbound STOP adds to it too. */
@Controller('sms/opt-outs')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class OptOutsController {
  constructor(
    private readonly optOuts: OptOutsRepository,
    private readonly admin: OptOutsAdminService,
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
  ) {}

  @Get()
  list(@Query() { limit, offset }: PageQuery): Promise<OptOut[]> {
    return this.optOuts.list(limit ?? 100, offset ?? 0);
  }

  @Put(':phone')
  @HttpCode(204)
  async add(@Param() { phone }: PhoneParams): Promise<void> {
    await this.admin.add(this.e164(phone));
  }

  @Delete(':phone')
  @HttpCode(204)
  async remove(@Param() { phone }: PhoneParams): Promise<void> {
    await this.admin.remove(this.e164(phone));
  }

  private e164(phone: string): string {
    const e164 = toE164(phone, this.config.defaultRegion);
    if (!e164) throw new BadRequestException([`phone must be a phone number, e.g. +989121234567 (or national in ${this.config.defaultRegion})`]);
    return e164;
  }
}
