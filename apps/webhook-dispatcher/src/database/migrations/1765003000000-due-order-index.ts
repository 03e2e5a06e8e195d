import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim takes a lane's due rows `ORDER BY next_attempt_at, id`; the due index held only
 * (subscription_id, next_attempt_at), so every claim read and sorted all of the lane's pending rows
 * (10 ms of PostgreSQL CPU per claim at a backlog of 8,000, 0.1 ms with `id` in the index, which
 * hands the rows over in claim order and stops at the limit). Built under a new name first, so the
 * claim always has an index.
 *
 * Pages of deliveries keep a fifth free (fillfactor 80; new pages only): a claim changes only the
 * unindexed lease, and with room in the page PostgreSQL writes it as a heap-only update, without a
 * new entry in each of the table's five indexes.
 */
export class DueOrderIndex1765003000000 implements MigrationInterface {
  name = 'DueOrderIndex1765003000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX webhook_deliveries_due_order ON webhook_deliveries (subscription_id, next_attempt_at, id) WHERE status = 'pending'`);
    await q.query(`DROP INDEX webhook_deliveries_due`);
    await q.query(`ALTER INDEX webhook_deliveries_due_order RENAME TO webhook_deliveries_due`);
    await q.query(`ALTER TABLE webhook_deliveries SET (fillfactor = 80)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_deliveries RESET (fillfactor)`);
    await q.query(`CREATE INDEX webhook_deliveries_due_old ON webhook_deliveries (subscription_id, next_attempt_at) WHERE status = 'pending'`);
    await q.query(`DROP INDEX webhook_deliveries_due`);
    await q.query(`ALTER INDEX webhook_deliveries_due_old RENAME TO webhook_deliveries_due`);
  }
}
