import { MigrationInterface, QueryRunner } from 'typeorm';

/** The `vendors` table; lengths and ranges match the DTOs, so the database refuses what validation would. */
export class CreateVendors1733000000000 implements MigrationInterface {
  name = 'CreateVendors1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE vendors (
      id uuid PRIMARY KEY,
      name varchar(200) NOT NULL,
      description varchar(2000),
      phone varchar(32),
      email varchar(320),
      website varchar(2048),
      open boolean NOT NULL DEFAULT false,
      primary_image varchar(2048),
      lat double precision CHECK (lat BETWEEN -90 AND 90),
      long double precision CHECK (long BETWEEN -180 AND 180),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX vendors_newest_first ON vendors (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE vendors`);
  }
}
