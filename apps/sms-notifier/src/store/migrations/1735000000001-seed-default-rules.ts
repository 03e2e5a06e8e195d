import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SMS plan's examples as shipped defaults (reference design 000): order started → order
 * confirmation, payment succeeded → payment confirmation, in Persian (default) and English.
 * Operators change or disable them through `/sms/rules` and `/sms/templates`.
 */
const TEMPLATES = [
  ['order_confirmation', 'fa', 'سفارش #{{orderId}} شما ثبت شد و در حال پردازش است'],
  ['order_confirmation', 'en', 'Your order #{{orderId}} has been placed and is being processed'],
  ['payment_confirmation', 'fa', 'پرداخت سفارش #{{orderId}} با موفقیت انجام شد'],
  ['payment_confirmation', 'en', 'Payment for order #{{orderId}} was successful'],
];

const RULES = [
  ['0193a000-0000-7000-8000-000000000001', 'order-started', 'order.status_changed', 'newStatus == "Started"', 'order_confirmation'],
  ['0193a000-0000-7000-8000-000000000002', 'payment-succeeded', 'payment.status_changed', 'newStatus == "success"', 'payment_confirmation'],
];

export class SeedDefaultRules1735000000001 implements MigrationInterface {
  name = 'SeedDefaultRules1735000000001';

  async up(q: QueryRunner): Promise<void> {
    for (const [key, locale, body] of TEMPLATES) {
      await q.query(`INSERT INTO sms_templates (key, locale, body, sample_data) VALUES ($1, $2, $3, $4)`, [key, locale, body, JSON.stringify({ orderId: 1042 })]);
    }
    for (const [id, name, pattern, condition, template] of RULES) {
      await q.query(
        `INSERT INTO sms_rules (id, name, event_pattern, condition, phone_path, template_key, locale_path, default_locale)
         VALUES ($1, $2, $3, $4, 'phone', $5, 'locale', 'fa')`,
        [id, name, pattern, condition, template],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM sms_rules WHERE id = ANY($1::uuid[])`, [RULES.map((r) => r[0])]);
    await q.query(`DELETE FROM sms_templates WHERE key IN ('order_confirmation', 'payment_confirmation')`);
  }
}
