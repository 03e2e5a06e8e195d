import type { Rule, RuleInput } from './notification-types.js';

/** Where a rule finds its recipient: a number/address path in the event, or a user id path looked up in the directory. */
export type RecipientSource = 'path' | 'user';

/** The rule form's fields, all text (empty: not set). */
export interface RuleDraft {
  name: string;
  eventPattern: string;
  condition: string;
  channel: 'sms' | 'email';
  recipientBy: RecipientSource;
  /** The number's path (sms) or the address's path (email). */
  recipientPath: string;
  userPath: string;
  templateKey: string;
  localePath: string;
  defaultLocale: string;
  enabled: boolean;
  /** `22:00-08:00`, empty: no quiet hours. */
  quietHours: string;
  /** IANA zone used when the recipient's own is unknown; empty: UTC. */
  timeZone: string;
  urgent: boolean;
}

export const EMPTY_RULE: RuleDraft = {
  name: '',
  eventPattern: '',
  condition: '',
  channel: 'sms',
  recipientBy: 'path',
  recipientPath: '',
  userPath: '',
  templateKey: '',
  localePath: 'locale',
  defaultLocale: 'fa',
  enabled: true,
  quietHours: '',
  timeZone: '',
  urgent: false,
};

export const ruleDraftOf = (r: Rule): RuleDraft => ({
  name: r.name,
  eventPattern: r.eventPattern,
  condition: r.condition ?? '',
  channel: r.channel,
  recipientBy: r.userPath ? 'user' : 'path',
  recipientPath: (r.channel === 'email' ? r.emailPath : r.phonePath) ?? '',
  userPath: r.userPath ?? '',
  templateKey: r.templateKey,
  localePath: r.localePath ?? '',
  defaultLocale: r.defaultLocale,
  enabled: r.enabled,
  quietHours: r.quietHours ?? '',
  timeZone: r.timeZone ?? '',
  urgent: r.urgent,
});

/** Every field of the draft as the rule holds it; the recipient source not chosen is null. */
function wholeRule(d: RuleDraft): Partial<RuleInput> {
  const path = d.recipientBy === 'path' ? d.recipientPath.trim() : null;
  return {
    name: d.name.trim(),
    eventPattern: d.eventPattern.trim(),
    condition: d.condition.trim() || null,
    channel: d.channel,
    ...(d.channel === 'email' ? { emailPath: path } : { phonePath: path }),
    userPath: d.recipientBy === 'user' ? d.userPath.trim() : null,
    templateKey: d.templateKey.trim(),
    localePath: d.localePath.trim() || null,
    defaultLocale: d.defaultLocale.trim(),
    enabled: d.enabled,
    quietHours: d.quietHours.trim() || null,
    timeZone: d.timeZone.trim() || null,
    urgent: d.urgent,
  };
}

/**
 * The body of `POST /sms/rules`, or for an edit (`initial` given) only the fields that changed, as
 * `PATCH` takes them. The recipient path goes to `phonePath` or `emailPath` by channel, or to
 * `userPath`; an edit that switches between them sends the other as null, so the rule keeps one source.
 */
export function ruleBodyOf(d: RuleDraft, initial?: RuleDraft): Partial<RuleInput> {
  const full = wholeRule(d);
  if (!initial) {
    // POST requires a path it is given to be a path: the source not chosen is left out, not null.
    const body: Partial<RuleInput> = { ...full };
    for (const k of ['phonePath', 'emailPath', 'userPath'] as const) if (body[k] === null) delete body[k];
    return body;
  }
  const before = wholeRule(initial);
  const changed: Partial<RuleInput> = {};
  for (const [k, v] of Object.entries(full) as [keyof RuleInput, unknown][]) {
    if (before[k] !== v) Object.assign(changed, { [k]: v });
  }
  return changed;
}

/** The rule list's words for where a rule sends: `user customer.id`, or the number's/address's path. */
export function recipientOf(r: Rule): { by: RecipientSource; path: string | null } {
  if (r.userPath) return { by: 'user', path: r.userPath };
  return { by: 'path', path: r.channel === 'email' ? r.emailPath : r.phonePath };
}

/** `22:00-08:00 (recipient's zone, else Asia/Tehran)`, as the notifier picks the zone; null without quiet hours. */
export function quietHoursOf(r: Rule): string | null {
  if (!r.quietHours) return null;
  return `${r.quietHours} (recipient's zone, else ${r.timeZone ?? 'UTC'})`;
}
