import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /events/:id/trace` follows causation links downwards: one probe of this index per event of
 * the tree (and partition). Partial, so the many events without a cause cost it nothing. On the
 * archive too, so that a partition retention moves there attaches without building an index.
 */
export class CausationIndex1765000700000 implements MigrationInterface {
  name = 'CausationIndex1765000700000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['events', 'events_archive']) {
      await q.query(`CREATE INDEX ${table}_causation ON ${table} (causation_id) WHERE causation_id IS NOT NULL`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['events', 'events_archive']) await q.query(`DROP INDEX ${table}_causation`);
  }
}
