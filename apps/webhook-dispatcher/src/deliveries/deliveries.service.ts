import { ConflictException, Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@app/events';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { DeliveryRepository } from '../delivery/delivery.repository.js';
import { DeliveryExecutor } from '../delivery/delivery-executor.js';
import { OutcomeWriter } from '../delivery/outcome.writer.js';
import { DeliveriesQueryRepository } from './deliveries-query.repository.js';
import { DeliveryView, toDeliveryView, type AttemptRow } from './delivery-view.js';
import type { ListDeliveriesQuery } from './dto/list-deliveries.query.js';

export interface DeliveryDetail extends DeliveryView {
  /** The event envelope as it was sent. */
  event: unknown;
}

/** The delivery log and its operations: list, inspect, re-send one now, recover a subscription's failures. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly query: DeliveriesQueryRepository,
    private readonly pipeline: DeliveryRepository,
    private readonly executor: DeliveryExecutor,
    private readonly outcomes: OutcomeWriter,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
    private readonly audit: AuditTrail,
  ) {}

  async list(q: ListDeliveriesQuery): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    const rows = await this.query.list(q);
    const page = rows.slice(0, q.limit);
    const attempts = groupBy(await this.query.attemptsOf(page.map((r) => r.id)));
    return {
      items: page.map((r) => toDeliveryView(r, attempts.get(r.id) ?? [])),
      nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  async get(id: string): Promise<DeliveryDetail> {
    const row = await this.query.get(id);
    if (!row) throw notFound(id);
    return { ...toDeliveryView(row, await this.query.attemptsOf([id])), event: JSON.parse(row.body) };
  }

  /** Sends the delivery now (whatever its status) and returns it with the new attempt logged. */
  async retry(id: string): Promise<DeliveryDetail> {
    const claimed = await this.pipeline.claimOne(id, this.config.leaseMarginMs);
    if (claimed === undefined) throw notFound(id);
    if (claimed === 'leased') throw new ConflictException(`Delivery ${id} is being sent right now; look at it again in a moment`);
    const outcome = await this.executor.attempt(claimed);
    if (!outcome) {
      await this.outcomes.release(claimed);
      throw new ServiceUnavailableException(`The dispatcher is shutting down; delivery ${id} was not sent. Retry it in a moment`);
    }
    await this.outcomes.record(outcome);
    const detail = await this.get(id);
    await this.audit.record({ action: 'delivery_retried', target: { type: 'webhook-delivery', id }, after: { status: detail.status, attempts: detail.attempts } });
    return detail;
  }

  /** Queues one more attempt of every failed delivery of the subscription created since `since`. */
  async recover(subscriptionId: string, since: Date): Promise<{ subscriptionId: string; since: string; requeued: number }> {
    const [subscription] = await this.dataSource.query(`SELECT active FROM webhook_subscriptions WHERE id = $1`, [subscriptionId]);
    if (!subscription) throw new NotFoundException(`Webhook subscription ${subscriptionId} not found`);
    if (!subscription.active) throw new ConflictException(`Webhook subscription ${subscriptionId} is disabled: re-enable it (PATCH active: true) before recovering`);
    const requeued = await this.pipeline.requeueFailed(subscriptionId, since);
    const result = { subscriptionId, since: since.toISOString(), requeued };
    await this.audit.record({ action: 'deliveries_recovered', target: { type: 'webhook-subscription', id: subscriptionId }, details: { since: result.since, requeued } });
    return result;
  }
}

const notFound = (id: string) => new NotFoundException(`Delivery ${id} not found`);

function groupBy(attempts: AttemptRow[]): Map<string, AttemptRow[]> {
  const out = new Map<string, AttemptRow[]>();
  for (const a of attempts) out.set(a.delivery_id, [...(out.get(a.delivery_id) ?? []), a]);
  return out;
}
