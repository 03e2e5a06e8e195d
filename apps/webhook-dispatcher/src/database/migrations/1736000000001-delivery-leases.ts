import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery leases (a claimed delivery is held by `leased_until`, separate from its schedule, so a
 * manual re-send can tell "being sent now" from "retry later"), recovery by creation time, and
 * retention of settled deliveries by age.
 */
export class DeliveryLeases1736000000001 implements MigrationInterface {
  name = 'DeliveryLeases1736000000001';

  async up(q: QueryRunner): Promise<void> {
    // Set while a worker sends it: a crashed worker's delivery is due again once the lease ends.
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN leased_until timestamptz`);
    await q.query(`DROP INDEX webhook_deliveries_failed`);
    await q.query(`CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (subscription_id, created_at) WHERE status = 'failed'`);
    await q.query(`CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (updated_at) WHERE status <> 'pending'`);
    await q.query(`CREATE INDEX webhook_events_received ON webhook_events (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_events_received`);
    await q.query(`DROP INDEX webhook_deliveries_settled`);
    await q.query(`DROP INDEX webhook_deliveries_failed`);
    await q.query(`CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (subscription_id, updated_at) WHERE status = 'failed'`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN leased_until`);
  }
}
