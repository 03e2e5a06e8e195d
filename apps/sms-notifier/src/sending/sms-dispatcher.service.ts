import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { toE164 } from '../phone/phone-number.js';
import { EmailDispatcher } from '../email/email-dispatcher.service.js';
import type { CompiledRule } from '../rules/compiled-rule.js';
import { readPath } from '../rules/json-path.js';
import { RulesService } from '../rules/rules.service.js';
import { renderRuleText } from '../templates/rule-text.js';
import { smsEncoding } from '../templates/template-text.js';
import { TemplatesService } from '../templates/templates.service.js';
import { SendOutcome, SmsRequest, SmsSender } from './sms-sender.service.js';

/** Recipient key of a rule whose phone path found nothing, so that failure is recorded once too. */
const NO_PHONE = '(none)';

/** Turns one event into the SMS (and emails) its matching rules ask for, and sends each of them (at most once). */
@Injectable()
export class SmsDispatcher {
  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly rules: RulesService,
    private readonly templates: TemplatesService,
    private readonly sender: SmsSender,
    private readonly email: EmailDispatcher,
  ) {}

  /** `replayed`: the event came through the replay lane, which the age limit does not apply to. */
  async dispatch(event: CloudEvent, { lastDelivery, replayed }: { lastDelivery: boolean; replayed: boolean }): Promise<SendOutcome[]> {
    const matching = (await this.rules.enabled()).filter((r) => r.matches(event.type, event.data));
    const stale = !replayed && this.isStale(event);
    const outcomes: SendOutcome[] = [];
    for (const rule of matching) {
      if (rule.rule.channel === 'email') {
        outcomes.push(...(await this.email.dispatch(event, rule.rule, { lastDelivery, stale })));
        continue;
      }
      for (const request of await this.requestsFor(event, rule)) outcomes.push(await this.sender.send(stale ? { ...request, stale } : request, lastDelivery));
    }
    return outcomes;
  }

  private isStale(event: CloudEvent): boolean {
    const age = Date.now() - Date.parse(event.time);
    return this.config.maxEventAgeMs > 0 && age > this.config.maxEventAgeMs;
  }

  private async requestsFor(event: CloudEvent, { rule }: CompiledRule): Promise<SmsRequest[]> {
    const base = {
      eventId: event.id,
      eventType: event.type,
      resourceType: event.resourcetype,
      resourceId: event.resourceid,
      ruleId: rule.id,
      templateKey: rule.templateKey,
    };
    const found = readPath(event.data, rule.phonePath ?? '');
    const values = (Array.isArray(found) ? found : [found]).filter((v) => v !== undefined && v !== null && v !== '');
    if (values.length === 0) {
      return [{ ...base, recipient: NO_PHONE, locale: null, text: null, encoding: null, segments: null, failure: { reason: 'invalid_phone', detail: `no phone number at "${rule.phonePath}" in the event data` } }];
    }
    const text = await this.render(event, rule);
    return values.map((value) => {
      const recipient = toE164(value, this.config.defaultRegion);
      if (!recipient) {
        const raw = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
        return { ...base, recipient: raw, ...text, failure: { reason: 'invalid_phone' as const, detail: `"${rule.phonePath}" is not a valid phone number (default region ${this.config.defaultRegion})` } };
      }
      return { ...base, recipient, ...text };
    });
  }

  /** The text in the recipient's locale (else the rule's default) with its encoding, or the reason there is none. */
  private async render(event: CloudEvent, rule: CompiledRule['rule']): Promise<Pick<SmsRequest, 'locale' | 'text' | 'encoding' | 'segments' | 'failure'>> {
    const rendered = await renderRuleText(this.templates, event, rule);
    if (rendered.failure) return { locale: rendered.locale, text: null, encoding: null, segments: null, failure: rendered.failure };
    const { encoding, segments } = smsEncoding(rendered.text);
    return { locale: rendered.locale, text: rendered.text, encoding, segments };
  }
}
