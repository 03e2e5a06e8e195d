/** A rule as `/sms/rules` answers it, decorator-free: the console's browser code imports it with `import type`. */
export interface RuleView {
  id: string;
  name: string;
  eventPattern: string;
  condition: string | null;
  channel: 'sms' | 'email';
  phonePath: string | null;
  emailPath: string | null;
  templateKey: string;
  localePath: string | null;
  defaultLocale: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What `POST /sms/rules` takes (`PATCH` takes any part of it). */
export type RuleInput = Omit<RuleView, 'id' | 'createdAt' | 'updatedAt'>;
