import { Inject, Injectable, Logger } from '@nestjs/common';
import { NonRetryableError, type CloudEvent } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { normalizeEmail } from '../email/email-address.js';
import { toE164 } from '../phone/phone-number.js';
import { isTimeZone } from '../quiet/time-zone.js';
import type { Recipient } from './recipient.entity.js';
import { RecipientChanges, RecipientsRepository } from './recipients.repository.js';

/** The events the directory is kept from. */
export const USER_EVENT_TYPES = new Set(['user.created', 'user.updated']);

/**
 * The data of `user.created` / `user.updated` the directory reads. `userId` (else `id`, else the
 * event's `resourceid`) names the user; every other field is optional, `null` clears it.
 */
interface UserEventData {
  userId?: unknown;
  id?: unknown;
  phone?: unknown;
  email?: unknown;
  locale?: unknown;
  timeZone?: unknown;
  notifications?: { sms?: unknown; email?: unknown } | null;
}

/** Keeps the recipients directory from `user.*` events, so rules can name a user instead of carrying contact data. */
@Injectable()
export class RecipientDirectory {
  private readonly logger = new Logger(RecipientDirectory.name);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly recipients: RecipientsRepository,
  ) {}

  find(userId: string): Promise<Recipient | null> {
    return this.recipients.find(userId);
  }

  /** Throws NonRetryableError (the event goes to the DLQ with the reason) when the data cannot be read. */
  async apply(event: CloudEvent): Promise<void> {
    const data = (event.data ?? {}) as UserEventData;
    const rawId = data.userId ?? data.id ?? event.resourceid;
    if ((typeof rawId !== 'string' && typeof rawId !== 'number') || String(rawId).length === 0 || String(rawId).length > 200) {
      throw new NonRetryableError(`${event.type}: userId must be the user's id (a string or number, or the event's resourceid)`);
    }
    const userId = String(rawId);
    const changes = this.changesOf(event.type, data);
    const applied = await this.recipients.apply(userId, changes, new Date(event.time));
    this.logger.log(`${event.type} ${event.id}: recipient ${userId} ${applied ? 'recorded' : 'left as is (a newer event was applied already)'}`);
  }

  private changesOf(type: string, data: UserEventData): RecipientChanges {
    const changes: RecipientChanges = {};
    const problems: string[] = [];
    if (data.phone !== undefined) {
      changes.phone = data.phone === null ? null : (toE164(data.phone, this.config.defaultRegion) ?? null);
      // The number itself never goes into the reason: DLQ entries are read by people.
      if (data.phone !== null && !changes.phone) problems.push(`phone must be a phone number (national numbers are read in ${this.config.defaultRegion})`);
    }
    if (data.email !== undefined) {
      changes.email = data.email === null ? null : (normalizeEmail(data.email) ?? null);
      if (data.email !== null && !changes.email) problems.push('email must be an email address');
    }
    if (data.locale !== undefined) {
      if (data.locale === null || (typeof data.locale === 'string' && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(data.locale))) changes.locale = data.locale === null ? null : data.locale.toLowerCase().replace(/_/g, '-').slice(0, 16);
      else problems.push('locale must be a language tag such as fa, en or fa-IR');
    }
    if (data.timeZone !== undefined) {
      if (data.timeZone === null || isTimeZone(data.timeZone)) changes.timeZone = data.timeZone;
      else problems.push('timeZone must be an IANA time zone such as Asia/Tehran');
    }
    const prefs = data.notifications;
    if (prefs !== undefined && prefs !== null) {
      for (const [key, field] of [['sms', 'smsEnabled'], ['email', 'emailEnabled']] as const) {
        if (prefs[key] === undefined) continue;
        if (typeof prefs[key] === 'boolean') changes[field] = prefs[key];
        else problems.push(`notifications.${key} must be true or false`);
      }
    }
    if (problems.length > 0) throw new NonRetryableError(`${type}: ${problems.join('; ')}`);
    return changes;
  }
}
