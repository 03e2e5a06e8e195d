import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public keys for browser ingest (`POST /events/client`). Only a digest of each key is kept; a
 * revoked key stays (revoked_at set) so its name and history remain explainable.
 */
export class ClientKeys1765000900000 implements MigrationInterface {
  name = 'ClientKeys1765000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE client_keys (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      key_prefix text NOT NULL,
      origins text[] NOT NULL,
      types text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
    // A name belongs to one live key at a time; a revoked key's name may be reused.
    await q.query(`CREATE UNIQUE INDEX client_keys_live_name ON client_keys (name) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE client_keys`);
  }
}
