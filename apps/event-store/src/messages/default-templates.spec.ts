import { createEnvelope, type CloudEvent } from '@app/events';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import { MessageCatalog } from './message-catalog.js';
import { templateProblems } from './template-placeholders.js';

const outcome = { smsId: 's1', eventId: 'e1', eventType: 'order.status_changed', ruleId: 'order-started', templateKey: 'order_confirmation', locale: 'fa', to: '+98912*****67', provider: 'console', providerMessageId: 'p1', segments: 1, encoding: 'UCS-2' };
const vendor = { id: 'v1', name: 'Taco Stand', description: null, phone: '+989121234567', email: null, website: null, open: true, primaryImage: null, lat: null, long: null, createdAt: '2026-12-01T10:00:00.000Z', updatedAt: '2026-12-01T10:00:00.000Z' };

const emailOutcome = { emailId: 'e1', eventId: 'ev1', eventType: 'order.status_changed', ruleId: 'r1', templateKey: 'order_mail', locale: 'fa', to: 's***@example.com', provider: 'smtp', providerMessageId: '<e1@shop.example>' };

/** The data each type's producer sends (as in its publisher), for every type a default covers. */
const SAMPLE_DATA: Record<string, unknown> = {
  'vendor.created': vendor,
  'vendor.updated': vendor,
  'vendor.deleted': vendor,
  'sms.sent': outcome,
  'sms.failed': { ...outcome, reason: 'rejected', providerError: 'number blocked' },
  'sms.suppressed': { ...outcome, reason: 'opted_out' },
  'sms.delivered': { ...outcome, providerStatus: 'delivered' },
  'sms.undelivered': { ...outcome, providerStatus: 'undelivered', errorCode: '30003' },
  'sms.outcome_unknown': { ...outcome, action: 'fail', claimedAt: '2026-12-01T10:00:00.000Z' },
  'sms.held': { heldId: 'h1', eventId: 'e1', eventType: 'order.shipped', ruleId: 'r1', templateKey: 'order_confirmation', locale: 'fa', to: '+98912*****67', releaseAt: '2026-12-05T04:30:00.000Z', quietHours: '22:00-08:00', timeZone: 'Asia/Tehran' },
  'sms.opted_out': { to: '+98912*****67', keyword: 'STOP', provider: 'twilio' },
  'sms.opted_in': { to: '+98912*****67', keyword: 'START', provider: 'twilio' },
  'sms.signature_verification_failure': { route: 'status', remote: '10.0.0.1', provider: 'twilio', count: 3 },
  'email.sent': { ...emailOutcome },
  'email.failed': { ...emailOutcome, reason: 'rejected', providerError: '550 5.1.1 <s***@example.com>: mailbox unavailable' },
  'email.suppressed': { ...emailOutcome, reason: 'unsubscribed' },
  'email.held': { heldId: 'h2', eventId: 'ev1', eventType: 'order.shipped', ruleId: 'r1', templateKey: 'order_mail', locale: 'fa', to: 's***@example.com', releaseAt: '2026-12-05T04:30:00.000Z', quietHours: '22:00-08:00', timeZone: 'Asia/Tehran' },
  'email.unsubscribed': { to: 's***@example.com' },
  'webhook.subscription_disabled': { subscriptionId: 'w1', name: 'CRM', url: 'https://crm.example/hook', reason: 'gone', message: '410', consecutiveFailures: 1 },
  'webhook.subscription_enabled': { subscriptionId: 'w1', name: 'CRM', url: 'https://crm.example/hook', reason: 'probe', probes: 2 },
  'webhook.ping': { subscriptionId: 'w1', probe: 1 },
  'webhook.test': { test: true },
  'audit.event_resolved': { eventId: 'e1', eventType: 'sms.failed', by: 'carol' },
  'audit.event_unresolved': { eventId: 'e1', eventType: 'sms.failed', by: 'carol' },
  'audit.events_ingested': { accepted: 3, rejected: 1 },
  'audit.events_replayed': { consumer: 'search-sync', queued: 120, filter: {} },
  'audit.dead_letters_redriven': { redriven: [4, 5], failed: [] },
  'audit.dead_letters_purged': { filter: {}, purged: 7 },
  'audit.template_saved': { type: 'sms.sent', audience: 'admin', category: 'Notification' },
  'audit.template_deleted': { type: 'sms.sent', audience: 'admin' },
  'audit.messages_rerendered': { type: null, updated: 42 },
  'audit.*': { key: 'k1' },
  'search.*': { indexName: 'vendors' },
  'mesh.*': { stream: 'EVENTS' },
  'order.created': { orderId: 1042, userId: 'user-7', phone: '+989121234567' },
  'order.status_changed': { orderId: 1042, oldStatus: 'Pending', newStatus: 'Started', phone: '+989121234567' },
  'order.paid': { orderId: 1042, total: 250000 },
  'payment.status_changed': { orderId: 1042, oldStatus: 'pending', newStatus: 'success' },
};

const concrete = (type: string) => (type.endsWith('.*') ? `${type.slice(0, -2)}.key_rotated` : type);
const sampleOf = (type: string, audience: string): CloudEvent =>
  createEnvelope(concrete(type), SAMPLE_DATA[type], 'sample', { audience, actor: 'carol', resourceType: type.split('.')[0], resourceId: 'r1', id: 'sample', time: '2026-12-01T10:00:00.000Z' });

describe('default templates', () => {
  const catalog = new MessageCatalog();

  it('has sample data for every default, and every default reads only what its sample has', () => {
    for (const t of DEFAULT_TEMPLATES) {
      expect([t.type, SAMPLE_DATA[t.type] !== undefined]).toEqual([t.type, true]);
      const sample = sampleOf(t.type, t.audience);
      expect([t.type, ...templateProblems('fa', t.fa, sample), ...templateProblems('en', t.en, sample)]).toEqual([t.type]);
    }
  });

  it('renders every default in Persian and English', () => {
    const sentences = DEFAULT_TEMPLATES.map((t) => {
      const m = catalog.render(sampleOf(t.type, t.audience));
      return `${t.type} [${t.audience}, ${m.category}]\n  fa: ${m.message}\n  en: ${m.messageEn}`;
    });
    expect(sentences.join('\n')).toMatchSnapshot();
  });

  it('never shows a phone number in full', () => {
    for (const t of DEFAULT_TEMPLATES) {
      const m = catalog.render(sampleOf(t.type, t.audience));
      expect(`${m.message} ${m.messageEn}`).not.toContain('9121234567');
    }
  });
});
