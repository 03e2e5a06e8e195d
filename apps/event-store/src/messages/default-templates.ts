import type { MessageTemplate } from './message-template.js';

/**
 * A left-to-right value (a phone number, a masked address) inside a Persian sentence, isolated (U+2066 … U+2069) so
 * that right-to-left layout keeps it in one piece: `+98912*****67`, not `67*****98912+`.
 */
const ltr = (placeholder: string): string => `\u2066${placeholder}\u2069`;
const PHONE_FA = ltr('{{masked.to}}'); // also a masked email address: left to right as well

const admin = (type: string, category: string, fa: string, en: string): MessageTemplate => ({ type, audience: 'admin', category, fa, en });
const user = (type: string, category: string, fa: string, en: string): MessageTemplate => ({ type, audience: 'user', category, fa, en });

/**
 * The sentences that ship: every type the mesh itself publishes (vendor-service, sms-notifier,
 * webhook-dispatcher, the audit trail of event-store and console, `search.*` and `mesh.*`), and
 * the order/payment examples of the seeds (the SMS rules' events), for users and for admins.
 * Numbers are always read through `masked`. A template saved over the API for the same type and
 * audience takes the place of one of these.
 */
export const DEFAULT_TEMPLATES: readonly MessageTemplate[] = [
  admin('vendor.created', 'Vendor', 'فروشنده «{{data.name}}» ساخته شد', 'Vendor "{{data.name}}" was created'),
  admin('vendor.updated', 'Vendor', 'فروشنده «{{data.name}}» ویرایش شد', 'Vendor "{{data.name}}" was updated'),
  admin('vendor.deleted', 'Vendor', 'فروشنده «{{data.name}}» حذف شد', 'Vendor "{{data.name}}" was deleted'),

  admin('sms.sent', 'Notification', `پیامک به ${PHONE_FA} ارسال شد`, 'SMS sent to {{masked.to}}'),
  admin('sms.failed', 'Error', `ارسال پیامک به ${PHONE_FA} ناموفق بود ({{data.reason}})`, 'SMS to {{masked.to}} failed ({{data.reason}})'),
  admin('sms.suppressed', 'Notification', `پیامک به ${PHONE_FA} فرستاده نشد ({{data.reason}})`, 'SMS to {{masked.to}} was held back ({{data.reason}})'),
  admin('sms.delivered', 'Notification', `پیامک به ${PHONE_FA} تحویل شد`, 'SMS delivered to {{masked.to}}'),
  admin('sms.undelivered', 'Error', `پیامک به ${PHONE_FA} تحویل نشد`, 'SMS to {{masked.to}} was not delivered'),
  admin('sms.outcome_unknown', 'Notification', `نتیجهٔ ارسال پیامک به ${PHONE_FA} نامشخص است`, 'The outcome of the SMS to {{masked.to}} is unknown'),
  admin('sms.held', 'Notification', `پیامک به ${PHONE_FA} تا پایان ساعات سکوت نگه داشته شد (${ltr('{{data.releaseAt}}')})`, 'SMS to {{masked.to}} held for quiet hours until {{data.releaseAt}}'),
  admin('sms.opted_out', 'Notification', `شمارهٔ ${PHONE_FA} دریافت پیامک را لغو کرد`, '{{masked.to}} opted out of SMS'),
  admin('sms.opted_in', 'Notification', `شمارهٔ ${PHONE_FA} دوباره پیامک دریافت می‌کند`, '{{masked.to}} opted back in to SMS'),
  admin('sms.signature_verification_failure', 'Security', 'امضای {{data.count}} پاسخ ارائه‌دهندهٔ پیامک نامعتبر بود', '{{data.count}} SMS provider callbacks failed signature verification'),

  admin('email.sent', 'Notification', `ایمیل به ${PHONE_FA} ارسال شد`, 'Email sent to {{masked.to}}'),
  admin('email.failed', 'Error', `ارسال ایمیل به ${PHONE_FA} ناموفق بود ({{data.reason}})`, 'Email to {{masked.to}} failed ({{data.reason}})'),
  admin('email.suppressed', 'Notification', `ایمیل به ${PHONE_FA} فرستاده نشد ({{data.reason}})`, 'Email to {{masked.to}} was held back ({{data.reason}})'),
  admin('email.held', 'Notification', `ایمیل به ${PHONE_FA} تا پایان ساعات سکوت نگه داشته شد (${ltr('{{data.releaseAt}}')})`, 'Email to {{masked.to}} held for quiet hours until {{data.releaseAt}}'),
  admin('email.unsubscribed', 'Notification', `${PHONE_FA} اشتراک ایمیل‌ها را لغو کرد`, '{{masked.to}} unsubscribed from emails'),

  admin('webhook.subscription_disabled', 'Notification', 'اشتراک وب‌هوک «{{data.name}}» غیرفعال شد ({{data.reason}})', 'Webhook subscription "{{data.name}}" was disabled ({{data.reason}})'),
  admin('webhook.subscription_enabled', 'Notification', 'اشتراک وب‌هوک «{{data.name}}» پس از {{data.probes}} آزمون دوباره فعال شد', 'Webhook subscription "{{data.name}}" was enabled again after {{data.probes}} probes'),
  admin('webhook.ping', 'Info', 'پیام آزمون وب‌هوک', 'Webhook ping'),
  admin('webhook.test', 'Info', 'رویداد آزمایشی وب‌هوک', 'Webhook test event'),

  admin('audit.event_resolved', 'Audit', 'رویداد {{data.eventType}} را {{data.by}} حل‌شده علامت زد', '{{data.by}} marked a {{data.eventType}} event resolved'),
  admin('audit.event_unresolved', 'Audit', 'رویداد {{data.eventType}} را {{data.by}} حل‌نشده علامت زد', '{{data.by}} marked a {{data.eventType}} event unresolved'),
  admin('audit.events_ingested', 'Audit', '{{data.accepted}} رویداد از راه HTTP پذیرفته و {{data.rejected}} رد شد', '{{data.accepted}} events ingested over HTTP, {{data.rejected}} refused'),
  admin('audit.events_replayed', 'Audit', '{{data.queued}} رویداد دوباره به {{data.consumer}} فرستاده شد', '{{data.queued}} events replayed to {{data.consumer}}'),
  admin('audit.dead_letters_redriven', 'Audit', '{{data.redriven.length}} پیام از صف خطا دوباره فرستاده شد', '{{data.redriven.length}} dead letters redriven'),
  admin('audit.dead_letters_purged', 'Audit', '{{data.purged}} پیام از صف خطا پاک شد', '{{data.purged}} dead letters purged'),
  admin('audit.template_saved', 'Audit', 'متن رویداد {{data.type}} برای {{data.audience}} را {{actor}} ذخیره کرد', '{{actor}} saved the {{data.type}} sentence for {{data.audience}}'),
  admin('audit.template_deleted', 'Audit', 'متن رویداد {{data.type}} برای {{data.audience}} را {{actor}} به پیش‌فرض برگرداند', '{{actor}} reset the {{data.type}} sentence for {{data.audience}} to its default'),
  admin('audit.messages_rerendered', 'Audit', 'متن {{data.updated}} رویداد دوباره ساخته شد', 'Sentences of {{data.updated}} events rendered again'),
  admin('audit.*', 'Audit', 'اقدام مدیریتی {{action}} به دست {{actor}}', 'Admin action {{action}} by {{actor}}'),
  admin('search.*', 'Search', 'نمایهٔ جستجو: {{action}} {{resourceLabel}}', 'Search index: {{action}} {{resourceLabel}}'),
  admin('mesh.*', 'System', 'سامانهٔ رویدادها: {{action}}', 'Event mesh: {{action}}'),

  user('order.created', 'Order', 'سفارش #{{data.orderId}} شما ثبت شد', 'Your order #{{data.orderId}} was placed'),
  admin('order.created', 'Order', 'سفارش #{{data.orderId}} ثبت شد', 'Order #{{data.orderId}} was placed'),
  user('order.status_changed', 'Order', 'وضعیت سفارش #{{data.orderId}} شما به {{data.newStatus}} تغییر کرد', 'Your order #{{data.orderId}} is now {{data.newStatus}}'),
  admin('order.status_changed', 'Order', 'وضعیت سفارش #{{data.orderId}} از {{data.oldStatus}} به {{data.newStatus}} تغییر کرد', 'Order #{{data.orderId}} went from {{data.oldStatus}} to {{data.newStatus}}'),
  user('order.paid', 'Billing', 'سفارش #{{data.orderId}} شما پرداخت شد', 'Your order #{{data.orderId}} was paid'),
  admin('order.paid', 'Billing', 'سفارش #{{data.orderId}} پرداخت شد', 'Order #{{data.orderId}} was paid'),
  user('payment.status_changed', 'Billing', 'وضعیت پرداخت سفارش #{{data.orderId}} شما: {{data.newStatus}}', 'Payment for your order #{{data.orderId}}: {{data.newStatus}}'),
  admin('payment.status_changed', 'Billing', 'پرداخت سفارش #{{data.orderId}} از {{data.oldStatus}} به {{data.newStatus}} رسید', 'Payment for order #{{data.orderId}} went from {{data.oldStatus}} to {{data.newStatus}}'),
];

/** The sentence of a type no template covers, built from its type and resource. */
export const GENERIC_TEMPLATE: Omit<MessageTemplate, 'type' | 'audience'> = {
  category: 'Info',
  fa: 'رویداد «{{type}}»{{#resourceLabel}} برای {{resourceLabel}}{{/resourceLabel}}',
  en: 'Event "{{type}}"{{#resourceLabel}} on {{resourceLabel}}{{/resourceLabel}}',
};
