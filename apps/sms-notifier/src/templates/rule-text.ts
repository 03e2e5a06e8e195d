import type { CloudEvent } from '@app/events';
import { readPath } from '../rules/json-path.js';
import type { SmsRule } from '../rules/sms-rule.entity.js';
import { missingPlaceholders, parseTemplate, renderTemplate } from './template-text.js';
import type { TemplatesService } from './templates.service.js';

/** A rule's text for one event, in the recipient's locale (else the rule's default), or why there is none. */
export type RuleText =
  | { locale: string; text: string; failure?: undefined }
  | { locale: string | null; text: null; failure: { reason: 'template_missing' | 'missing_data'; detail: string } };

/** Both channels render the same fa/en templates the same way. `preferred`: the recipient's locale from the directory, used when the rule reads none from the event. */
export async function renderRuleText(templates: TemplatesService, event: CloudEvent, rule: SmsRule, preferred?: string | null): Promise<RuleText> {
  const wanted = rule.localePath ? readPath(event.data, rule.localePath) : preferred;
  const locales = [...new Set([...localeCandidates(wanted), rule.defaultLocale])];
  const template = await templates.firstOf(rule.templateKey, locales);
  if (!template) {
    return { locale: null, text: null, failure: { reason: 'template_missing', detail: `no template "${rule.templateKey}" in ${locales.join(', ')}` } };
  }
  const missing = missingPlaceholders(parseTemplate(template.body), event.data);
  if (missing.length > 0) {
    return { locale: template.locale, text: null, failure: { reason: 'missing_data', detail: `the event data has no ${missing.join(', ')} for template "${rule.templateKey}"` } };
  }
  return { locale: template.locale, text: renderTemplate(template.body, event.data) };
}

/** `fa-IR` → `fa-ir`, `fa`. */
function localeCandidates(value: unknown): string[] {
  if (typeof value !== 'string' || !value.trim()) return [];
  const tag = value.trim().toLowerCase().replace(/_/g, '-');
  const primary = tag.split('-')[0];
  return primary === tag ? [tag] : [tag, primary];
}
