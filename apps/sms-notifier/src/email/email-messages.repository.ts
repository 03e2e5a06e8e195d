import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { EmailMessage, type EmailStatus } from './email-message.entity.js';
import { EmailUnsubscribe } from './email-unsubscribe.entity.js';

/** Namespace of the per-address advisory locks (the SMS side uses its own). */
const ADDRESS_LOCK = 7_413_308;

/** SQL of `email_messages` and `email_unsubscribes`; the claim-side calls run in the caller's transaction. */
@Injectable()
export class EmailMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serialises claims for one address across replicas, so an unsubscribe cannot slip between check and claim. */
  async lockAddress(m: EntityManager, address: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [ADDRESS_LOCK, address]);
  }

  findForUpdate(m: EntityManager, key: Pick<EmailMessage, 'eventId' | 'ruleId' | 'recipient'>): Promise<EmailMessage | null> {
    return m.findOne(EmailMessage, { where: key, lock: { mode: 'pessimistic_write' } });
  }

  async insert(m: EntityManager, row: EmailMessage): Promise<void> {
    await m.insert(EmailMessage, row);
  }

  async update(m: EntityManager, row: EmailMessage, changes: Partial<EmailMessage>): Promise<EmailMessage> {
    const next = { ...changes, updatedAt: new Date() };
    await m.update(EmailMessage, { id: row.id }, next);
    return Object.assign(row, next);
  }

  async isUnsubscribed(m: EntityManager, address: string): Promise<boolean> {
    return (await m.countBy(EmailUnsubscribe, { email: address })) > 0;
  }

  /** Returns whether the address was new on the list (a second click changes nothing). */
  async unsubscribe(m: EntityManager, address: string): Promise<boolean> {
    await this.lockAddress(m, address);
    const rows = (await m.query(`INSERT INTO email_unsubscribes (email) VALUES ($1) ON CONFLICT (email) DO NOTHING RETURNING email`, [address])) as unknown[];
    return rows.length > 0;
  }

  /** Newest first. */
  list(filter: { status?: EmailStatus; recipient?: string; eventId?: string; limit: number; offset: number }): Promise<EmailMessage[]> {
    const where: FindOptionsWhere<EmailMessage> = {};
    if (filter.status) where.status = filter.status;
    if (filter.recipient) where.recipient = filter.recipient;
    if (filter.eventId) where.eventId = filter.eventId;
    return this.dataSource.manager.find(EmailMessage, { where, order: { createdAt: 'DESC', id: 'DESC' }, take: filter.limit, skip: filter.offset });
  }
}
