import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Auto re-enable probes (half-open circuit): why a subscription was disabled (only one disabled
 * for consecutive failures is probed), how many probes it has had and when the last one went out.
 */
export class ReenableProbe1736000000003 implements MigrationInterface {
  name = 'ReenableProbe1736000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN disabled_by varchar(32)`);
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN probe_attempts integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN last_probe_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN last_probe_at`);
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN probe_attempts`);
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN disabled_by`);
  }
}
