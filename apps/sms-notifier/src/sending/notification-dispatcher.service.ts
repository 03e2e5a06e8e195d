import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CloudEvent } from '@app/events';
import { CLOCK, type Clock } from '../clock/clock.js';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { normalizeEmail } from '../email/email-address.js';
import { EmailChannel, type EmailRequest } from '../email/email.channel.js';
import { toE164 } from '../phone/phone-number.js';
import { HeldMessageEvents } from '../quiet/held-message.events.js';
import { HeldMessagesRepository } from '../quiet/held-messages.repository.js';
import { timeZoneOfPhone } from '../quiet/phone-time-zone.js';
import { parseQuietHours, quietUntil } from '../quiet/quiet-hours.js';
import type { Recipient } from '../recipients/recipient.entity.js';
import { RecipientDirectory } from '../recipients/recipient-directory.service.js';
import { readPath } from '../rules/json-path.js';
import { RulesService } from '../rules/rules.service.js';
import type { SmsRule } from '../rules/sms-rule.entity.js';
import { renderRuleText, type RuleText } from '../templates/rule-text.js';
import { smsEncoding } from '../templates/template-text.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { NotificationRequest, SendOutcome } from './channel.port.js';
import { NotificationSender } from './notification-sender.service.js';
import { SmsChannel, type SmsRequest } from './sms.channel.js';

/** Recipient key of a rule whose path found nothing, so that failure is recorded once too. */
const NONE = '(none)';

type Base = Pick<NotificationRequest, 'eventId' | 'eventType' | 'resourceType' | 'resourceId' | 'ruleId' | 'templateKey'>;

/** One message to send (or hold): its request, and the recipient's own time zone when the directory knows it. */
type Planned = ({ channel: 'sms'; request: SmsRequest } | { channel: 'email'; request: EmailRequest }) & { zone?: string };

/**
 * Turns one event into the messages its matching rules ask for (SMS, email), to the recipients
 * the event names or, by user id, the directory's; holds those inside their recipient's quiet
 * hours, and sends the others at once, each at most once.
 */
@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger(NotificationDispatcher.name);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RulesService,
    private readonly templates: TemplatesService,
    private readonly directory: RecipientDirectory,
    private readonly held: HeldMessagesRepository,
    private readonly heldEvents: HeldMessageEvents,
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
      // A rule the API accepted while the channel was on; the transport retries, then dead-letters it with this reason.
      if (rule.channel === 'email' && this.email.providers.length === 0) throw new Error(`rule ${rule.name} sends email, but the email channel is off: set EMAIL_SMTP_URL`);
      const base: Base = { eventId: event.id, eventType: event.type, resourceType: event.resourcetype, resourceId: event.resourceid, ruleId: rule.id, templateKey: rule.templateKey };
      const planned = rule.userPath ? await this.toUsers(event, rule, base, lastDelivery) : await this.toPaths(event, rule, base);
      for (const p of planned) {
        if ('kind' in p) outcomes.push(p);
        else outcomes.push(await this.sendOrHold(rule, stale ? ({ ...p, request: { ...p.request, stale } } as Planned) : p, lastDelivery));
      }
    }
    return outcomes;
  }

  /** By the injected clock, like quiet hours: one time for every decision of the notifier. */
  private isStale(event: CloudEvent): boolean {
    const age = this.clock.now().getTime() - Date.parse(event.time);
    return this.config.maxEventAgeMs > 0 && age > this.config.maxEventAgeMs;
  }

  /**
   * Inside the rule's quiet hours in the recipient's zone (the directory's, else the number's
   * country, else the rule's, else UTC) the message is held until they end; urgent rules, and
   * messages that will not be sent anyway (failed, stale, suppressed), go through at once.
   */
  private async sendOrHold(rule: SmsRule, planned: Planned, lastDelivery: boolean): Promise<SendOutcome> {
    const { request } = planned;
    const window = parseQuietHours(rule.quietHours);
    if (window && !rule.urgent && !request.failure && !request.stale && !request.suppress) {
      const zone = planned.zone ?? (planned.channel === 'sms' ? timeZoneOfPhone(request.recipient) : undefined) ?? rule.timeZone ?? 'UTC';
      const until = quietUntil(window, this.clock.now(), zone);
      if (until) {
        // The row and its `sms.held` / `email.held` commit together; a second copy of the event adds neither.
        const fresh = await this.held.transaction(async (m) => {
          const id = await this.held.hold(m, planned.channel, request, until);
          if (id) await this.heldEvents.held(m, { id, channel: planned.channel, request, releaseAt: until, quietHours: rule.quietHours!, timeZone: zone });
          return id !== undefined;
        });
        const to = planned.channel === 'sms' ? this.sms.mask(request.recipient) : this.email.mask(request.recipient);
        this.logger.log(`${request.eventType} ${request.eventId}: ${planned.channel} to ${to} ${fresh ? 'held' : 'already held'} until ${until.toISOString()} (quiet hours ${rule.quietHours} in ${zone})`);
        return { kind: 'done' };
      }
    }
    return planned.channel === 'sms' ? this.sender.send(this.sms, planned.request, lastDelivery) : this.sender.send(this.email, planned.request, lastDelivery);
  }

  /** Recipients at the rule's phonePath / emailPath in the event data. */
  private async toPaths(event: CloudEvent, rule: SmsRule, base: Base): Promise<Planned[]> {
    const email = rule.channel === 'email';
    const path = (email ? rule.emailPath : rule.phonePath) ?? '';
    const values = valuesAt(event.data, path);
    if (values.length === 0) return [this.failed(rule, base, NONE, email ? 'invalid_address' : 'invalid_phone', `no ${email ? 'email address' : 'phone number'} at "${path}" in the event data`)];
    const rendered = await renderRuleText(this.templates, event, rule);
    return values.map((value) => {
      const recipient = email ? normalizeEmail(value) : toE164(value, this.config.defaultRegion);
      if (recipient) return this.planned(rule, base, recipient, rendered);
      const why = email ? `"${path}" is not a valid email address` : `"${path}" is not a valid phone number (default region ${this.config.defaultRegion})`;
      return this.failed(rule, base, raw(value), email ? 'invalid_address' : 'invalid_phone', why, rendered);
    });
  }

  /**
   * Recipients by user id at the rule's userPath, from the directory: their number or address,
   * locale, zone and channel preference. A user the directory does not know yet is retried (its
   * `user.created` may be behind), and recorded as failed (`unknown_user`) on the last delivery.
   */
  private async toUsers(event: CloudEvent, rule: SmsRule, base: Base, lastDelivery: boolean): Promise<Array<Planned | SendOutcome>> {
    const ids = valuesAt(event.data, rule.userPath!);
    if (ids.length === 0) return [this.failed(rule, base, NONE, 'unknown_user', `no user id at "${rule.userPath}" in the event data`)];
    const planned: Array<Planned | SendOutcome> = [];
    for (const id of ids.map(raw)) {
      const user = await this.directory.find(id);
      if (!user) {
        const detail = `user ${id} is not in the recipients directory (no user.created or user.updated seen)`;
        planned.push(lastDelivery ? this.failed(rule, base, `user:${id}`, 'unknown_user', detail) : { kind: 'retry', error: detail });
        continue;
      }
      planned.push(await this.toUser(event, rule, base, id, user));
    }
    return planned;
  }

  private async toUser(event: CloudEvent, rule: SmsRule, base: Base, id: string, user: Recipient): Promise<Planned> {
    const email = rule.channel === 'email';
    const recipient = email ? user.email : user.phone;
    const rendered = await renderRuleText(this.templates, event, rule, user.locale);
    if (!recipient) return this.failed(rule, base, `user:${id}`, email ? 'invalid_address' : 'invalid_phone', `user ${id} has no ${email ? 'email address' : 'phone number'} in the recipients directory`, rendered);
    const planned = this.planned(rule, base, recipient, rendered);
    if (!(email ? user.emailEnabled : user.smsEnabled)) planned.request.suppress = 'preference';
    return { ...planned, zone: user.timeZone ?? undefined };
  }

  private planned(rule: SmsRule, base: Base, recipient: string, rendered: RuleText): Planned {
    if (rule.channel === 'email') return { channel: 'email', request: { ...base, recipient, locale: rendered.locale, text: rendered.text, failure: rendered.failure } };
    const text = rendered.failure ? { text: null, encoding: null, segments: null, failure: rendered.failure } : { text: rendered.text, ...smsEncoding(rendered.text) };
    return { channel: 'sms', request: { ...base, recipient, locale: rendered.locale, ...text } };
  }

  private failed(rule: SmsRule, base: Base, recipient: string, reason: 'invalid_phone' | 'invalid_address' | 'unknown_user', detail: string, rendered?: RuleText): Planned {
    const content = { locale: rendered?.locale ?? null, text: rendered?.text ?? null };
    const failure = { reason, detail } as const;
    if (rule.channel === 'email') return { channel: 'email', request: { ...base, recipient, ...content, failure: failure as EmailRequest['failure'] } };
    return { channel: 'sms', request: { ...base, recipient, ...content, encoding: null, segments: null, failure: failure as SmsRequest['failure'] } };
  }
}

/** The value at a path as a list (a list of recipients sends one message to each); empty values left out. */
function valuesAt(data: unknown, path: string): unknown[] {
  const found = readPath(data, path);
  return (Array.isArray(found) ? found : [found]).filter((v) => v !== undefined && v !== null && v !== '');
}

const raw = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));
