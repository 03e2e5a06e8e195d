import { MigrationInterface, QueryRunner } from 'typeorm';

/** OAuth2 client credentials per subscription (token URL, client id and secret, scope); null when it signs only. */
export class SubscriptionOAuth21765001000000 implements MigrationInterface {
  name = 'SubscriptionOAuth21765001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN oauth2 jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN oauth2`);
  }
}
