import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@app/events';
import { readPath } from '../rules/json-path.js';
import type { SmsRule } from '../rules/sms-rule.entity.js';
import type { SendOutcome } from '../sending/sms-sender.service.js';
import { renderRuleText } from '../templates/rule-text.js';
import { TemplatesService } from '../templates/templates.service.js';
import { normalizeEmail } from './email-address.js';
import { EmailRequest, EmailSender } from './email-sender.service.js';

/** Recipient key of a rule whose address path found nothing, so that failure is recorded once too. */
const NO_ADDRESS = '(none)';

/** The emails one `email` rule asks for on one event, each sent at most once. */
@Injectable()
export class EmailDispatcher {
  constructor(
    private readonly templates: TemplatesService,
    private readonly sender: EmailSender,
  ) {}

  async dispatch(event: CloudEvent, rule: SmsRule, { lastDelivery, stale }: { lastDelivery: boolean; stale: boolean }): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = [];
    for (const request of await this.requestsFor(event, rule)) outcomes.push(await this.sender.send(stale ? { ...request, stale } : request, lastDelivery));
    return outcomes;
  }

  private async requestsFor(event: CloudEvent, rule: SmsRule): Promise<EmailRequest[]> {
    const path = rule.emailPath ?? '';
    const base = { eventId: event.id, eventType: event.type, resourceType: event.resourcetype, resourceId: event.resourceid, ruleId: rule.id, templateKey: rule.templateKey };
    const found = readPath(event.data, path);
    const values = (Array.isArray(found) ? found : [found]).filter((v) => v !== undefined && v !== null && v !== '');
    if (values.length === 0) {
      return [{ ...base, recipient: NO_ADDRESS, locale: null, text: null, failure: { reason: 'invalid_address', detail: `no email address at "${path}" in the event data` } }];
    }
    const rendered = await renderRuleText(this.templates, event, rule);
    const content = { locale: rendered.locale, text: rendered.text, failure: rendered.failure };
    return values.map((value) => {
      const recipient = normalizeEmail(value);
      if (!recipient) {
        const raw = typeof value === 'string' ? value : JSON.stringify(value);
        return { ...base, recipient: raw, locale: content.locale, text: content.text, failure: { reason: 'invalid_address' as const, detail: `"${path}" is not a valid email address` } };
      }
      return { ...base, recipient, ...content };
    });
  }
}
