import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { SERVICE_NAME } from '../service-name.js';
import { TestWebhookDto } from './test-webhook.dto.js';
import { TestSendService, type TestWebhookResult } from './test-send.service.js';

@Controller('webhooks')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class TestSendController {
  constructor(private readonly tests: TestSendService) {}

  /** 200 with the receiver's status, headers, body excerpt and the time it took (also when it failed). */
  @Post('test')
  @HttpCode(200)
  send(@Body() body: TestWebhookDto): Promise<TestWebhookResult> {
    return this.tests.send(body, SERVICE_NAME);
  }
}
