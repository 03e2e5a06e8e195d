import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recipients from users and quiet hours: a rule may name a user id path instead of a phone or
 * address path, and a quiet window (with its zone, and `urgent` to bypass it); the directory kept
 * from `user.*` events; the messages held until a quiet window ends.
 */
export class RecipientsAndQuietHours1765001200000 implements MigrationInterface {
  name = 'RecipientsAndQuietHours1765001200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sms_rules ADD COLUMN user_path varchar(200)`);
    await q.query(`ALTER TABLE sms_rules ADD COLUMN quiet_hours varchar(11)`);
    await q.query(`ALTER TABLE sms_rules ADD COLUMN time_zone varchar(64)`);
    await q.query(`ALTER TABLE sms_rules ADD COLUMN urgent boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE sms_rules DROP CONSTRAINT sms_rules_recipient_path`);
    await q.query(
      `ALTER TABLE sms_rules ADD CONSTRAINT sms_rules_recipient_path CHECK (user_path IS NOT NULL OR (channel = 'sms' AND phone_path IS NOT NULL) OR (channel = 'email' AND email_path IS NOT NULL))`,
    );
    await q.query(`CREATE TABLE recipients (
      user_id varchar(200) PRIMARY KEY,
      phone varchar(64),
      email varchar(320),
      locale varchar(16),
      time_zone varchar(64),
      sms_enabled boolean NOT NULL DEFAULT true,
      email_enabled boolean NOT NULL DEFAULT true,
      event_time timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE held_messages (
      id uuid PRIMARY KEY,
      channel varchar(8) NOT NULL,
      event_id varchar(200) NOT NULL,
      rule_id uuid NOT NULL,
      recipient varchar(320) NOT NULL,
      request jsonb NOT NULL,
      release_at timestamptz NOT NULL,
      lease_until timestamptz,
      attempts int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT held_messages_once UNIQUE (channel, event_id, rule_id, recipient)
    )`);
    await q.query(`CREATE INDEX held_messages_due ON held_messages (release_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE held_messages`);
    await q.query(`DROP TABLE recipients`);
    await q.query(`DELETE FROM sms_rules WHERE user_path IS NOT NULL AND ((channel = 'sms' AND phone_path IS NULL) OR (channel = 'email' AND email_path IS NULL))`);
    await q.query(`ALTER TABLE sms_rules DROP CONSTRAINT sms_rules_recipient_path`);
    await q.query(`ALTER TABLE sms_rules ADD CONSTRAINT sms_rules_recipient_path CHECK ((channel = 'sms' AND phone_path IS NOT NULL) OR (channel = 'email' AND email_path IS NOT NULL))`);
    for (const column of ['urgent', 'time_zone', 'quiet_hours', 'user_path']) await q.query(`ALTER TABLE sms_rules DROP COLUMN ${column}`);
  }
}
