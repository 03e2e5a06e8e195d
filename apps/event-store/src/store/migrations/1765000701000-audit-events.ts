import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit events outlive ordinary ones: when retention drops an archived week, its `audit.*` rows are
 * copied here first and kept until AUDIT_RETENTION_DAYS. A plain table (the columns of the
 * archive, in its order) with the keyset index the queries use: it holds admin actions only.
 */
export class AuditEvents1765000701000 implements MigrationInterface {
  name = 'AuditEvents1765000701000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_events (LIKE events_archive INCLUDING DEFAULTS, PRIMARY KEY (id))`);
    await q.query(`CREATE INDEX audit_events_time ON audit_events (time DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
  }
}
