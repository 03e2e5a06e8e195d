import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The email channel: a rule names its channel and, for email, the path of the address; one row per
 * email (unique per event, rule and recipient, as for SMS); the addresses that unsubscribed.
 */
export class AddEmailChannel1765001100000 implements MigrationInterface {
  name = 'AddEmailChannel1765001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sms_rules ADD COLUMN channel varchar(8) NOT NULL DEFAULT 'sms' CHECK (channel IN ('sms', 'email'))`);
    await q.query(`ALTER TABLE sms_rules ADD COLUMN email_path varchar(200)`);
    await q.query(`ALTER TABLE sms_rules ALTER COLUMN phone_path DROP NOT NULL`);
    await q.query(`ALTER TABLE sms_rules ADD CONSTRAINT sms_rules_recipient_path CHECK ((channel = 'sms' AND phone_path IS NOT NULL) OR (channel = 'email' AND email_path IS NOT NULL))`);
    await q.query(`CREATE TABLE email_messages (
      id uuid PRIMARY KEY,
      event_id varchar(200) NOT NULL,
      rule_id uuid NOT NULL,
      recipient varchar(320) NOT NULL,
      status varchar(16) NOT NULL,
      event_type varchar(200) NOT NULL,
      resource_type varchar(200),
      resource_id varchar(200),
      template_key varchar(100) NOT NULL,
      locale varchar(16),
      subject text,
      body text,
      provider varchar(32),
      provider_message_id varchar(300),
      reason varchar(32),
      provider_error varchar(200),
      attempts int NOT NULL DEFAULT 0,
      claimed_at timestamptz,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT email_messages_once UNIQUE (event_id, rule_id, recipient)
    )`);
    await q.query(`CREATE INDEX email_messages_recipient ON email_messages (recipient, created_at DESC)`);
    await q.query(`CREATE TABLE email_unsubscribes (
      email varchar(320) PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_unsubscribes`);
    await q.query(`DROP TABLE email_messages`);
    await q.query(`DELETE FROM sms_rules WHERE channel = 'email'`);
    await q.query(`ALTER TABLE sms_rules DROP CONSTRAINT sms_rules_recipient_path`);
    await q.query(`ALTER TABLE sms_rules ALTER COLUMN phone_path SET NOT NULL`);
    await q.query(`ALTER TABLE sms_rules DROP COLUMN email_path`);
    await q.query(`ALTER TABLE sms_rules DROP COLUMN channel`);
  }
}
