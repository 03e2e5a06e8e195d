import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The counters of rate-limiter-flexible's PostgreSQL store, shared by every replica. Created here,
 * with the store's own column layout, rather than by the store: schema changes go through
 * migrations only, and the store's own creation runs unawaited in its constructor.
 */
export class CreateRateLimits1764900000000 implements MigrationInterface {
  name = 'CreateRateLimits1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS mesh_rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS mesh_rate_limits`);
  }
}
