import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, UuidPipe } from '@app/events';
import { SubscriptionHealthRepository } from './subscription-health.repository.js';
import type { SubscriptionHealthView } from './subscription-health.views.js';

/** Per-subscription health over the last hour and day. Reads: need `X-Api-Key` when one is set. */
@Controller('webhooks')
@UseGuards(ApiKeyGuard)
@ApiKey('when-configured')
export class SubscriptionHealthController {
  constructor(private readonly health: SubscriptionHealthRepository) {}

  /** Every subscription, newest first: `{ items }` (the console's Webhooks page). */
  @Get('health')
  async all(): Promise<{ items: SubscriptionHealthView[] }> {
    return { items: await this.health.health(null) };
  }

  @Get('subscriptions/:id/health')
  async one(@Param('id', UuidPipe) id: string): Promise<SubscriptionHealthView> {
    const [health] = await this.health.health(id);
    if (!health) throw new NotFoundException(`Webhook subscription ${id} not found`);
    return health;
  }
}
