import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Templates, rules, one row per SMS attempt (its unique key is what makes a send happen once per
 * event, rule and recipient), and the opt-out list.
 */
export class CreateSms1735000000000 implements MigrationInterface {
  name = 'CreateSms1735000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sms_templates (
      key varchar(100) NOT NULL,
      locale varchar(16) NOT NULL,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 1600),
      sample_data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (key, locale)
    )`);
    await q.query(`CREATE TABLE sms_rules (
      id uuid PRIMARY KEY,
      name varchar(200) NOT NULL UNIQUE,
      event_pattern varchar(200) NOT NULL,
      condition varchar(1000),
      phone_path varchar(200) NOT NULL,
      template_key varchar(100) NOT NULL,
      locale_path varchar(200),
      default_locale varchar(16) NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE sms_messages (
      id uuid PRIMARY KEY,
      event_id varchar(200) NOT NULL,
      rule_id uuid NOT NULL,
      recipient varchar(64) NOT NULL,
      status varchar(16) NOT NULL,
      event_type varchar(200) NOT NULL,
      resource_type varchar(200),
      resource_id varchar(200),
      template_key varchar(100) NOT NULL,
      locale varchar(16),
      body text,
      encoding varchar(8),
      segments int,
      provider varchar(32),
      provider_message_id varchar(200),
      provider_status varchar(32),
      reason varchar(32),
      provider_error varchar(200),
      attempts int NOT NULL DEFAULT 0,
      claimed_at timestamptz,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT sms_messages_once UNIQUE (event_id, rule_id, recipient)
    )`);
    await q.query(`CREATE UNIQUE INDEX sms_messages_provider_id ON sms_messages (provider, provider_message_id) WHERE provider_message_id IS NOT NULL`);
    // The rate limit counts a recipient's recent sends; the list filters by recipient and status.
    await q.query(`CREATE INDEX sms_messages_recipient_recent ON sms_messages (recipient, created_at DESC)`);
    await q.query(`CREATE INDEX sms_messages_status_recent ON sms_messages (status, created_at DESC)`);
    await q.query(`CREATE INDEX sms_messages_newest ON sms_messages (created_at DESC, id DESC)`);
    await q.query(`CREATE TABLE sms_opt_outs (
      phone varchar(32) PRIMARY KEY,
      source varchar(32) NOT NULL,
      keyword varchar(32),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sms_opt_outs`);
    await q.query(`DROP TABLE sms_messages`);
    await q.query(`DROP TABLE sms_rules`);
    await q.query(`DROP TABLE sms_templates`);
  }
}
