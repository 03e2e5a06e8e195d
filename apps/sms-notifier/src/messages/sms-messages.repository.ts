import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { MessageStatus, SmsMessage } from './sms-message.entity.js';

/** Namespace of this app's per-recipient advisory locks (the second key is the number's hash). */
const RECIPIENT_LOCK = 7_413_307;

/** Statuses that count towards the hourly rate limit: everything that reached, or may reach, a provider. */
const COUNTED: MessageStatus[] = ['sending', 'retrying', 'sent', 'delivered', 'undelivered'];

export interface MessageFilter {
  status?: MessageStatus;
  recipient?: string;
  eventId?: string;
  limit: number;
  offset: number;
}

/** SQL of `sms_messages`; the claim-side calls run inside the caller's transaction. */
@Injectable()
export class SmsMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serialises claims for one number across replicas until the transaction ends (opt-out and rate checks). */
  async lockRecipient(m: EntityManager, recipient: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [RECIPIENT_LOCK, recipient]);
  }

  findForUpdate(m: EntityManager, key: Pick<SmsMessage, 'eventId' | 'ruleId' | 'recipient'>): Promise<SmsMessage | null> {
    return m.findOne(SmsMessage, { where: key, lock: { mode: 'pessimistic_write' } });
  }

  async insert(m: EntityManager, row: SmsMessage): Promise<void> {
    await m.insert(SmsMessage, row);
  }

  async update(m: EntityManager, row: SmsMessage, changes: Partial<SmsMessage>): Promise<SmsMessage> {
    const next = { ...changes, updatedAt: new Date() };
    await m.update(SmsMessage, { id: row.id }, next);
    return Object.assign(row, next);
  }

  async sentInLastHour(m: EntityManager, recipient: string): Promise<number> {
    const [row] = (await m.query(
      `SELECT count(*)::int AS n FROM sms_messages WHERE recipient = $1 AND status = ANY($2) AND created_at > now() - interval '1 hour'`,
      [recipient, COUNTED],
    )) as { n: number }[];
    return row.n;
  }

  /** Provider message ids recorded for one number since a time (reconciling an unrecorded claim). */
  async providerIdsSince(m: EntityManager, recipient: string, since: Date): Promise<Set<string>> {
    const rows = (await m.query(`SELECT provider_message_id AS id FROM sms_messages WHERE recipient = $1 AND provider_message_id IS NOT NULL AND created_at >= $2`, [
      recipient,
      since,
    ])) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  findByProviderId(m: EntityManager, provider: string, providerMessageId: string): Promise<SmsMessage | null> {
    return m.findOne(SmsMessage, { where: { provider, providerMessageId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Newest first. */
  list(filter: MessageFilter): Promise<SmsMessage[]> {
    const where: FindOptionsWhere<SmsMessage> = {};
    if (filter.status) where.status = filter.status;
    if (filter.recipient) where.recipient = filter.recipient;
    if (filter.eventId) where.eventId = filter.eventId;
    return this.dataSource.manager.find(SmsMessage, { where, order: { createdAt: 'DESC', id: 'DESC' }, take: filter.limit, skip: filter.offset });
  }
}
