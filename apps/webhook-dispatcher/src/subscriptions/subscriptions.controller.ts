import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, auditActorHeader, edgeError, UuidPipe } from '@app/events';
import { CreateSubscriptionDto } from './dto/create-subscription.dto.js';
import { UpdateSubscriptionDto } from './dto/update-subscription.dto.js';
import { ListSubscriptionsQuery } from './dto/list-subscriptions.query.js';
import { RotateSecretDto } from './dto/rotate-secret.dto.js';
import { SubscriptionsService, type SubscriptionWithSecret } from './subscriptions.service.js';
import type { SubscriptionView } from './subscription-view.js';

/**
 * Webhook subscriptions. Writes need `X-Api-Key: $ADMIN_API_KEY`; reads need it when one is set.
 * Create and update take `X-Audit-Actor` (whom a tool such as the MCP server acts for) as the audit actor.
 */
@Controller('webhooks/subscriptions')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  /** 201 with the subscription and its `secret`, shown this once. */
  @Post()
  create(@Body() body: CreateSubscriptionDto, @Headers('x-audit-actor') actor?: string): Promise<SubscriptionWithSecret> {
    return this.subscriptions.create(body, auditActorHeader(actor));
  }

  /** Newest first: `{ items, limit, offset }`. */
  @Get()
  @ApiKey('when-configured')
  async list(@Query() query: ListSubscriptionsQuery): Promise<{ items: SubscriptionView[]; limit: number; offset: number }> {
    return { items: await this.subscriptions.list(query.limit, query.offset, query.active), limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  @ApiKey('when-configured')
  get(@Param('id', UuidPipe) id: string): Promise<SubscriptionView> {
    return this.subscriptions.get(id);
  }

  @Patch(':id')
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateSubscriptionDto, @Headers('x-audit-actor') actor?: string): Promise<SubscriptionView> {
    const problem = UpdateSubscriptionDto.emptyBodyMessage(body) ?? UpdateSubscriptionDto.dropWaitingMessage(body);
    if (problem) throw edgeError(400, [problem], 'body');
    return this.subscriptions.update(id, body, auditActorHeader(actor));
  }

  /** 204; its deliveries and their log go with it. */
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', UuidPipe) id: string): Promise<void> {
    return this.subscriptions.remove(id);
  }

  /** 201 with the new `secret`; the old one still signs until `previousSecretExpiresAt`. */
  @Post(':id/rotate-secret')
  rotateSecret(@Param('id', UuidPipe) id: string, @Body() body: RotateSecretDto): Promise<SubscriptionWithSecret> {
    return this.subscriptions.rotateSecret(id, body.gracePeriodMs);
  }
}
