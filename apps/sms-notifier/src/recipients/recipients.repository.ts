import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Recipient } from './recipient.entity.js';

/** The fields a `user.*` event set; absent fields keep their value (an update names only what changed). */
export type RecipientChanges = Partial<Pick<Recipient, 'phone' | 'email' | 'locale' | 'timeZone' | 'smsEnabled' | 'emailEnabled'>>;

const COLUMNS: Record<keyof RecipientChanges, string> = {
  phone: 'phone',
  email: 'email',
  locale: 'locale',
  timeZone: 'time_zone',
  smsEnabled: 'sms_enabled',
  emailEnabled: 'email_enabled',
};

/** SQL of `recipients`. */
@Injectable()
export class RecipientsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(userId: string): Promise<Recipient | null> {
    return this.dataSource.manager.findOneBy(Recipient, { userId });
  }

  /**
   * Inserts the user, or applies the changes when `eventTime` is not older than the last event
   * applied (a redelivered or late `user.updated` cannot undo a newer one). Returns whether it applied.
   */
  async apply(userId: string, changes: RecipientChanges, eventTime: Date): Promise<boolean> {
    const keys = Object.keys(changes) as (keyof RecipientChanges)[];
    const columns = keys.map((k) => COLUMNS[k]);
    const values = keys.map((k) => changes[k]);
    const sets = [...columns.map((c) => `${c} = EXCLUDED.${c}`), 'event_time = EXCLUDED.event_time', 'updated_at = now()'];
    const rows = (await this.dataSource.query(
      `INSERT INTO recipients (user_id, event_time${columns.map((c) => `, ${c}`).join('')})
       VALUES ($1, $2${columns.map((_, i) => `, $${i + 3}`).join('')})
       ON CONFLICT (user_id) DO UPDATE SET ${sets.join(', ')} WHERE recipients.event_time <= EXCLUDED.event_time
       RETURNING user_id`,
      [userId, eventTime, ...values],
    )) as unknown[];
    return rows.length > 0;
  }
}
