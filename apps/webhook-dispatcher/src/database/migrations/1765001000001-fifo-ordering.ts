import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordered delivery, opt-in per subscription (`ordering` 'fifo', `ordering_key` a dot path into the
 * envelope): a delivery row carries its key and its place in the order (`ordering_seq`, from a
 * sequence; both null when unordered), and the partial index serves the claim's "no earlier
 * unsettled delivery of this key" check. Adding columns with constant defaults
 * rewrites no table.
 */
export class FifoOrdering1765001000001 implements MigrationInterface {
  name = 'FifoOrdering1765001000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN ordering varchar(8) NOT NULL DEFAULT 'none'`);
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN ordering_key varchar(200)`);
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN ordering_key text`);
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN ordering_seq bigint`);
    await q.query(`CREATE SEQUENCE webhook_deliveries_ordering_seq`);
    await q.query(
      `CREATE INDEX webhook_deliveries_fifo ON webhook_deliveries (subscription_id, ordering_key, ordering_seq)
       WHERE ordering_key IS NOT NULL AND status IN ('pending', 'paused')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_deliveries_fifo`);
    await q.query(`DROP SEQUENCE webhook_deliveries_ordering_seq`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN ordering_seq`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN ordering_key`);
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN ordering_key`);
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN ordering`);
  }
}
