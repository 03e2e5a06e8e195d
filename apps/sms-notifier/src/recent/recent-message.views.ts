/** `GET /notifications/recent`'s answer, decorator-free: the console's browser code imports it with `import type`. */

export type NotificationChannel = 'sms' | 'email';

/** One SMS or email attempt with its outcome, the recipient masked. */
export interface RecentMessageView {
  id: string;
  channel: NotificationChannel;
  /** Masked: `+98912*****67`, `s***@example.com`. */
  to: string;
  /** SMS: `sending`, `retrying`, `sent`, `delivered`, `undelivered`, `failed`, `suppressed`; email: the same without the delivery states. */
  status: string;
  reason: string | null;
  /** The sender that took it (`twilio`, `http`, `smtp:<host:port>`). */
  provider: string | null;
  /** SMS only: the provider's last delivery status. */
  providerStatus: string | null;
  /** Numbers and addresses in it masked. */
  providerError: string | null;
  eventId: string;
  eventType: string;
  templateKey: string;
  locale: string | null;
  /** Email only. */
  subject: string | null;
  /** The text sent, numbers and addresses in it masked. */
  text: string | null;
  /** SMS only. */
  encoding: string | null;
  segments: number | null;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
}

export interface RecentMessagePage {
  items: RecentMessageView[];
}
