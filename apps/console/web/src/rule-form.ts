import type { Rule, RuleInput } from './notification-types.js';

/** The rule form's fields, all text (empty: not set). */
export interface RuleDraft {
  name: string;
  eventPattern: string;
  condition: string;
  channel: 'sms' | 'email';
  recipientPath: string;
  templateKey: string;
  localePath: string;
  defaultLocale: string;
  enabled: boolean;
}

export const EMPTY_RULE: RuleDraft = { name: '', eventPattern: '', condition: '', channel: 'sms', recipientPath: '', templateKey: '', localePath: 'locale', defaultLocale: 'fa', enabled: true };

export const ruleDraftOf = (r: Rule): RuleDraft => ({
  name: r.name,
  eventPattern: r.eventPattern,
  condition: r.condition ?? '',
  channel: r.channel,
  recipientPath: (r.channel === 'email' ? r.emailPath : r.phonePath) ?? '',
  templateKey: r.templateKey,
  localePath: r.localePath ?? '',
  defaultLocale: r.defaultLocale,
  enabled: r.enabled,
});

/**
 * The body of `POST /sms/rules`, or for an edit (`initial` given) only the fields that changed, as
 * `PATCH` takes them. The recipient path goes to `phonePath` or `emailPath` by channel.
 */
export function ruleBodyOf(d: RuleDraft, initial?: RuleDraft): Partial<RuleInput> {
  const full: Partial<RuleInput> = {
    name: d.name.trim(),
    eventPattern: d.eventPattern.trim(),
    condition: d.condition.trim() || null,
    channel: d.channel,
    templateKey: d.templateKey.trim(),
    localePath: d.localePath.trim() || null,
    defaultLocale: d.defaultLocale.trim(),
    enabled: d.enabled,
  };
  if (d.channel === 'email') full.emailPath = d.recipientPath.trim();
  else full.phonePath = d.recipientPath.trim();
  if (!initial) return full;
  const before = ruleBodyOf(initial);
  const changed: Partial<RuleInput> = {};
  for (const [k, v] of Object.entries(full) as [keyof RuleInput, unknown][]) {
    if (before[k] !== v) Object.assign(changed, { [k]: v });
  }
  return changed;
}
