import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscriptions, the events they were sent (stored once), one delivery row per (event,
 * subscription) with its own attempts and schedule, and the log of every attempt.
 */
export class CreateWebhooks1736000000000 implements MigrationInterface {
  name = 'CreateWebhooks1736000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE webhook_subscriptions (
      id uuid PRIMARY KEY,
      name varchar(200) NOT NULL,
      url varchar(2048) NOT NULL,
      event_types text[] NOT NULL,
      filter jsonb,
      active boolean NOT NULL DEFAULT true,
      timeout_ms integer NOT NULL,
      max_attempts integer NOT NULL,
      rate_limit_per_second integer,
      headers jsonb NOT NULL DEFAULT '{}',
      description varchar(2000),
      secret varchar(200) NOT NULL,
      previous_secret varchar(200),
      previous_secret_expires_at timestamptz,
      consecutive_failures integer NOT NULL DEFAULT 0,
      disabled_reason varchar(500),
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX webhook_subscriptions_newest_first ON webhook_subscriptions (created_at DESC, id DESC)`);
    await q.query(`CREATE TABLE webhook_events (
      id varchar(200) PRIMARY KEY,
      type varchar(255) NOT NULL,
      body text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY,
      event_id varchar(200) NOT NULL REFERENCES webhook_events (id),
      event_type varchar(255) NOT NULL,
      subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
      status varchar(16) NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL,
      next_attempt_at timestamptz NOT NULL,
      last_status integer,
      last_error varchar(1000),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      CONSTRAINT webhook_deliveries_once UNIQUE (event_id, subscription_id)
    )`);
    // Workers claim due rows per subscription; the listing filters by subscription, status, newest first.
    await q.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (subscription_id, next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, id DESC)`);
    await q.query(`CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (subscription_id, updated_at) WHERE status = 'failed'`);
    await q.query(`CREATE TABLE webhook_attempts (
      id bigserial PRIMARY KEY,
      delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
      event_id varchar(200) NOT NULL,
      subscription_id uuid NOT NULL,
      attempt integer NOT NULL,
      url varchar(2048) NOT NULL,
      request_headers jsonb NOT NULL,
      response_status integer,
      response_headers jsonb,
      response_body text,
      duration_ms integer NOT NULL,
      error varchar(1000),
      started_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, attempt)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_attempts`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_events`);
    await q.query(`DROP TABLE webhook_subscriptions`);
  }
}
