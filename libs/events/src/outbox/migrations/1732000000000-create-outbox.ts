import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOutbox1732000000000 implements MigrationInterface {
  name = 'CreateOutbox1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS mesh_outbox (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        source text NOT NULL,
        subject text NOT NULL,
        payload text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS mesh_outbox_due ON mesh_outbox (next_attempt_at, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS mesh_outbox`);
  }
}
