import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `paused` deliveries: every event the consumer acks gets a row for every matching subscription,
 * a disabled one included, so re-enabling it can deliver what arrived meanwhile. Retention keeps
 * them (only succeeded and failed rows are settled).
 */
export class PausedDeliveries1736000000002 implements MigrationInterface {
  name = 'PausedDeliveries1736000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check`);
    await q.query(`ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'paused', 'succeeded', 'failed'))`);
    // Re-enabling resumes them oldest first; the subscription view counts them.
    await q.query(`CREATE INDEX webhook_deliveries_paused ON webhook_deliveries (subscription_id, created_at) WHERE status = 'paused'`);
    await q.query(`DROP INDEX webhook_deliveries_settled`);
    await q.query(`CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (updated_at) WHERE status IN ('succeeded', 'failed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_deliveries_settled`);
    await q.query(`CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (updated_at) WHERE status <> 'pending'`);
    await q.query(`DROP INDEX webhook_deliveries_paused`);
    await q.query(`UPDATE webhook_deliveries SET status = 'pending' WHERE status = 'paused'`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check`);
    await q.query(`ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed'))`);
  }
}
