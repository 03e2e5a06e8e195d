import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batches, ordering gaps and per-subscription health:
 * - `webhook_subscriptions.batch` (`{ maxEvents, maxWaitMs }`, null: one event per request);
 * - `webhook_deliveries.batch_id`: the batch a delivery was first sent in, kept for its retries so
 *   they go under the same `webhook-id`; the partial index serves the retry claim and holds only batched rows;
 * - `webhook_deliveries.gap_reported_at`: when `webhook.ordering_gap` was published for a given-up fifo delivery;
 * - a BRIN index on `webhook_attempts.started_at` for the last hour and day of health figures: the log
 *   is appended in time order, so a BRIN range costs next to nothing per insert (a B-tree would on every attempt).
 * Nullable columns without defaults rewrite no table.
 */
export class BatchesGapsHealth1765001000002 implements MigrationInterface {
  name = 'BatchesGapsHealth1765001000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN batch jsonb`);
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN batch_id text`);
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN gap_reported_at timestamptz`);
    await q.query(`CREATE INDEX webhook_deliveries_batch ON webhook_deliveries (batch_id) WHERE batch_id IS NOT NULL`);
    await q.query(`CREATE INDEX webhook_attempts_started_brin ON webhook_attempts USING brin (started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_attempts_started_brin`);
    await q.query(`DROP INDEX webhook_deliveries_batch`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN gap_reported_at`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN batch_id`);
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN batch`);
  }
}
