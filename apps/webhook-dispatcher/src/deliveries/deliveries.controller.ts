import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, UuidPipe } from '@app/events';
import { DeliveriesService, type DeliveryDetail } from './deliveries.service.js';
import { ListDeliveriesQuery } from './dto/list-deliveries.query.js';
import { RecoverQuery } from '../subscriptions/dto/recover.query.js';
import type { DeliveryView } from './delivery-view.js';

/** The delivery log. Reads need `X-Api-Key` when ADMIN_API_KEY is set; re-sends always do. */
@Controller('webhooks')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  /** Newest first, each with its attempt log: `{ items, nextCursor }`. */
  @Get('deliveries')
  @ApiKey('when-configured')
  list(@Query() query: ListDeliveriesQuery): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    return this.deliveries.list(query);
  }

  /** One delivery with its attempt log and the event it carries. */
  @Get('deliveries/:id')
  @ApiKey('when-configured')
  get(@Param('id', UuidPipe) id: string): Promise<DeliveryDetail> {
    return this.deliveries.get(id);
  }

  /** Sends it again now and answers with the result (409 while a worker is sending it). */
  @Post('deliveries/:id/retry')
  @HttpCode(200)
  retry(@Param('id', UuidPipe) id: string): Promise<DeliveryDetail> {
    return this.deliveries.retry(id);
  }

  /** Every failed delivery of the subscription created since `since` gets one more attempt now. */
  @Post('subscriptions/:id/recover')
  @HttpCode(202)
  recover(@Param('id', UuidPipe) id: string, @Query() query: RecoverQuery) {
    return this.deliveries.recover(id, new Date(query.since));
  }
}
