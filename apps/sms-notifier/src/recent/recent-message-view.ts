import { maskPhone, redactPhones } from '@app/events';
import { maskEmail, redactEmails } from '../email/email-address.js';
import type { EmailMessage } from '../email/email-message.entity.js';
import type { SmsMessage } from '../messages/sms-message.entity.js';
import type { RecentMessageView } from './recent-message.views.js';

const redact = (text: string | null) => (text === null ? null : redactEmails(redactPhones(text)));

/** An SMS row as the console may show it: the number masked, and any number in the texts. */
export const smsView = (m: SmsMessage): RecentMessageView => ({
  id: m.id,
  channel: 'sms',
  to: maskPhone(m.recipient),
  status: m.status,
  reason: m.reason,
  provider: m.provider,
  providerStatus: m.providerStatus,
  providerError: redact(m.providerError),
  eventId: m.eventId,
  eventType: m.eventType,
  templateKey: m.templateKey,
  locale: m.locale,
  subject: null,
  text: redact(m.body),
  encoding: m.encoding,
  segments: m.segments,
  attempts: m.attempts,
  createdAt: m.createdAt.toISOString(),
  sentAt: m.sentAt?.toISOString() ?? null,
});

/** An email row as the console may show it: the address masked, and any address or number in the texts. */
export const emailView = (m: EmailMessage): RecentMessageView => ({
  id: m.id,
  channel: 'email',
  to: maskEmail(m.recipient),
  status: m.status,
  reason: m.reason,
  provider: m.provider,
  providerStatus: null,
  providerError: redact(m.providerError),
  eventId: m.eventId,
  eventType: m.eventType,
  templateKey: m.templateKey,
  locale: m.locale,
  subject: redact(m.subject),
  text: redact(m.body),
  encoding: null,
  segments: null,
  attempts: m.attempts,
  createdAt: m.createdAt.toISOString(),
  sentAt: m.sentAt?.toISOString() ?? null,
});
