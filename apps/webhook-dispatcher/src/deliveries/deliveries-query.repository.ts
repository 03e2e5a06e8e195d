import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AttemptRow, DeliveryRow } from './delivery-view.js';
import type { ListDeliveriesQuery } from './dto/list-deliveries.query.js';

const COLUMN_NAMES = ['id', 'event_id', 'event_type', 'subscription_id', 'status', 'attempts', 'max_attempts', 'next_attempt_at',
  'last_status', 'last_error', 'created_at', 'updated_at', 'delivered_at', 'batch_id', 'ordering_key'];
const columns = (prefix = '') => COLUMN_NAMES.map((c) => prefix + c).join(', ');

/** Reads of the delivery log (ids are UUID v7, so id order is creation order). */
@Injectable()
export class DeliveriesQueryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(q: ListDeliveriesQuery): Promise<DeliveryRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.subscriptionId) add('subscription_id = ?', q.subscriptionId);
    if (q.eventId) add('event_id = ?', q.eventId);
    if (q.status) add('status = ?', q.status);
    if (q.cursor) add('id < ?', q.cursor);
    params.push(q.limit + 1);
    return this.dataSource.query(
      `SELECT ${columns()} FROM webhook_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async get(id: string): Promise<(DeliveryRow & { body: string }) | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT ${columns('d.')}, e.body FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.id = $1`,
      [id],
    );
    return row;
  }

  attemptsOf(deliveryIds: string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT delivery_id, event_id, subscription_id, attempt, url, request_headers, response_status, response_headers,
         response_body, duration_ms, error, started_at
       FROM webhook_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, id`,
      [deliveryIds],
    );
  }
}
