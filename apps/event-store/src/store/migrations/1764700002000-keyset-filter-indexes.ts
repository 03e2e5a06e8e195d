import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the filters of `GET /events` that had none (`actor`, `audience`) and keyset order
 * `(time DESC, id DESC)` behind each equality filter, so a page is one index range read from its
 * cursor and stops at `limit`. `type` gets the id too: a wildcard pattern becomes one such range
 * per matching type, merged in order. `correlation_id` gets the time (and replaces its old index)
 * for `correlationId=` pages and the related events of a timeline.
 */
export class KeysetFilterIndexes1764700002000 implements MigrationInterface {
  name = 'KeysetFilterIndexes1764700002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_actor_keyset ON events (actor, time DESC, id DESC) WHERE actor IS NOT NULL`);
    await q.query(`CREATE INDEX events_audience_keyset ON events (audience, time DESC, id DESC) WHERE audience IS NOT NULL`);
    await q.query(`CREATE INDEX events_correlation_keyset ON events (correlation_id, time DESC, id DESC) WHERE correlation_id IS NOT NULL`);
    await q.query(`DROP INDEX events_correlation`);
    await q.query(`CREATE INDEX events_type_keyset ON events (type, time DESC, id DESC)`);
    await q.query(`DROP INDEX events_type_time`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_type_time ON events (type, time DESC)`);
    await q.query(`DROP INDEX events_type_keyset`);
    await q.query(`CREATE INDEX events_correlation ON events (correlation_id) WHERE correlation_id IS NOT NULL`);
    for (const index of ['events_correlation_keyset', 'events_audience_keyset', 'events_actor_keyset']) await q.query(`DROP INDEX ${index}`);
  }
}
