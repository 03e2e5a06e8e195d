import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { NotificationRequest } from '../sending/channel.port.js';
import { HeldMessage } from './held-message.entity.js';

interface HeldRow {
  id: string;
  channel: 'sms' | 'email';
  request: NotificationRequest;
  attempts: number;
}

/** SQL of `held_messages`. */
@Injectable()
export class HeldMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Keeps the message until `releaseAt`, in the caller's transaction; a second delivery of the event holds nothing more. Returns the new row's id, or undefined when it was held already. */
  async hold(m: EntityManager, channel: 'sms' | 'email', request: NotificationRequest, releaseAt: Date): Promise<string | undefined> {
    const rows = (await m.query(
      `INSERT INTO held_messages (id, channel, event_id, rule_id, recipient, request, release_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (channel, event_id, rule_id, recipient) DO NOTHING RETURNING id`,
      [randomUUID(), channel, request.eventId, request.ruleId, request.recipient, JSON.stringify(request), releaseAt],
    )) as { id: string }[];
    return rows[0]?.id;
  }

  /** Leases the due messages (release time passed, no live lease), oldest first; replicas skip each other's rows. */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<HeldRow[]> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows] = (await this.dataSource.query(
      `UPDATE held_messages SET lease_until = $1::timestamptz + $2 * interval '1 millisecond', attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM held_messages WHERE release_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
         ORDER BY release_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, channel, request, attempts`,
      [now, leaseMs, limit],
    )) as [HeldRow[], number];
    return rows;
  }

  /** Sent, or settled for good by the pipeline (its own row holds the outcome). */
  async release(id: string): Promise<void> {
    await this.dataSource.manager.delete(HeldMessage, { id });
  }

  /** Tried again at `at` (a provider outage). */
  async later(id: string, at: Date): Promise<void> {
    await this.dataSource.manager.update(HeldMessage, { id }, { releaseAt: at, leaseUntil: null });
  }

  list(limit: number, offset: number): Promise<HeldMessage[]> {
    return this.dataSource.manager.find(HeldMessage, { order: { releaseAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
  }
}
