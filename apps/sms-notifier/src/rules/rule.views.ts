/** A rule as `/sms/rules` answers it, decorator-free: the console's browser code imports it with `import type`. */
export interface RuleView {
  id: string;
  name: string;
  eventPattern: string;
  condition: string | null;
  channel: 'sms' | 'email';
  phonePath: string | null;
  emailPath: string | null;
  /** The user id's path: the recipient comes from the directory kept from `user.*` events. */
  userPath: string | null;
  templateKey: string;
  localePath: string | null;
  defaultLocale: string;
  enabled: boolean;
  /** `22:00-08:00` in the recipient's zone, or null. */
  quietHours: string | null;
  timeZone: string | null;
  /** Sent inside quiet hours too. */
  urgent: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What `POST /sms/rules` takes (`PATCH` takes any part of it). */
export type RuleInput = Omit<RuleView, 'id' | 'createdAt' | 'updatedAt'>;
