import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { normalizeEmail } from '../email/email-address.js';
import { EmailChannel, type EmailRequest } from '../email/email.channel.js';
import { toE164 } from '../phone/phone-number.js';
import type { CompiledRule } from '../rules/compiled-rule.js';
import { readPath } from '../rules/json-path.js';
import { RulesService } from '../rules/rules.service.js';
import type { SmsRule } from '../rules/sms-rule.entity.js';
import { renderRuleText } from '../templates/rule-text.js';
import { smsEncoding } from '../templates/template-text.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { SendOutcome } from './channel.port.js';
import { NotificationSender } from './notification-sender.service.js';
import { SmsChannel, type SmsRequest } from './sms.channel.js';

/** Recipient key of a rule whose path found nothing, so that failure is recorded once too. */
const NONE = '(none)';

type Base = Pick<SmsRequest, 'eventId' | 'eventType' | 'resourceType' | 'resourceId' | 'ruleId' | 'templateKey'>;

/** Turns one event into the messages its matching rules ask for (SMS, email), and sends each at most once. */
@Injectable()
export class NotificationDispatcher {
  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly rules: RulesService,
    private readonly templates: TemplatesService,
    private readonly sender: NotificationSender,
    private readonly sms: SmsChannel,
    private readonly email: EmailChannel,
  ) {}

  /** `replayed`: the event came through the replay lane, which the age limit does not apply to. */
  async dispatch(event: CloudEvent, { lastDelivery, replayed }: { lastDelivery: boolean; replayed: boolean }): Promise<SendOutcome[]> {
    const matching = (await this.rules.enabled()).filter((r) => r.matches(event.type, event.data));
    const stale = !replayed && this.isStale(event);
    const outcomes: SendOutcome[] = [];
    for (const { rule } of matching) {
      const base: Base = { eventId: event.id, eventType: event.type, resourceType: event.resourcetype, resourceId: event.resourceid, ruleId: rule.id, templateKey: rule.templateKey };
      if (rule.channel === 'email') {
        // A rule the API accepted while the channel was on; the transport retries, then dead-letters it with this reason.
        if (this.email.providers.length === 0) throw new Error(`rule ${rule.name} sends email, but the email channel is off: set EMAIL_SMTP_URL`);
        for (const request of await this.emailRequests(event, rule, base)) outcomes.push(await this.sender.send(this.email, stale ? { ...request, stale } : request, lastDelivery));
      } else {
        for (const request of await this.smsRequests(event, rule, base)) outcomes.push(await this.sender.send(this.sms, stale ? { ...request, stale } : request, lastDelivery));
      }
    }
    return outcomes;
  }

  private isStale(event: CloudEvent): boolean {
    const age = Date.now() - Date.parse(event.time);
    return this.config.maxEventAgeMs > 0 && age > this.config.maxEventAgeMs;
  }

  private async smsRequests(event: CloudEvent, rule: SmsRule, base: Base): Promise<SmsRequest[]> {
    const values = valuesAt(event.data, rule.phonePath ?? '');
    const none = { locale: null, text: null, encoding: null, segments: null };
    if (values.length === 0) return [{ ...base, ...none, recipient: NONE, failure: { reason: 'invalid_phone', detail: `no phone number at "${rule.phonePath}" in the event data` } }];
    const rendered = await renderRuleText(this.templates, event, rule);
    const text = rendered.failure ? { ...none, locale: rendered.locale, failure: rendered.failure } : { locale: rendered.locale, text: rendered.text, ...smsEncoding(rendered.text) };
    return values.map((value) => {
      const recipient = toE164(value, this.config.defaultRegion);
      if (recipient) return { ...base, recipient, ...text };
      return { ...base, recipient: raw(value), ...text, failure: { reason: 'invalid_phone' as const, detail: `"${rule.phonePath}" is not a valid phone number (default region ${this.config.defaultRegion})` } };
    });
  }

  private async emailRequests(event: CloudEvent, rule: SmsRule, base: Base): Promise<EmailRequest[]> {
    const path = rule.emailPath ?? '';
    const values = valuesAt(event.data, path);
    if (values.length === 0) return [{ ...base, recipient: NONE, locale: null, text: null, failure: { reason: 'invalid_address', detail: `no email address at "${path}" in the event data` } }];
    const rendered = await renderRuleText(this.templates, event, rule);
    const content = { locale: rendered.locale, text: rendered.text, failure: rendered.failure };
    return values.map((value) => {
      const recipient = normalizeEmail(value);
      if (recipient) return { ...base, recipient, ...content };
      return { ...base, recipient: raw(value), locale: content.locale, text: content.text, failure: { reason: 'invalid_address' as const, detail: `"${path}" is not a valid email address` } };
    });
  }
}

/** The value at a path as a list (a list of recipients sends one message to each); empty values left out. */
function valuesAt(data: unknown, path: string): unknown[] {
  const found = readPath(data, path);
  return (Array.isArray(found) ? found : [found]).filter((v) => v !== undefined && v !== null && v !== '');
}

const raw = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));
